using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Ingestion.HuggingFace;

/// <summary>
/// An ARC grid: 1 to 30 rows of 1 to 30 cells, every row the same length, every cell a colour 0 to 9. Immutable; equal
/// when the sizes and every cell are equal (the ARC definition of a correct prediction).
/// </summary>
public sealed class ArcGrid : IEquatable<ArcGrid>
{
    /// <summary>The largest number of rows or columns a grid may have.</summary>
    public const int MaxSize = 30;

    private readonly byte[] _cells;

    private ArcGrid(int height, int width, byte[] cells)
    {
        Height = height;
        Width = width;
        _cells = cells;
    }

    /// <summary>Gets the number of rows.</summary>
    public int Height { get; }

    /// <summary>Gets the number of columns.</summary>
    public int Width { get; }

    /// <summary>Gets the colour at a row and column.</summary>
    /// <param name="row">The row, from 0.</param>
    /// <param name="column">The column, from 0.</param>
    /// <returns>The colour, 0 to 9.</returns>
    public int this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Height);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Width);
            return _cells[(row * Width) + column];
        }
    }

    /// <summary>Creates a grid from rows of cells, or says why they are not a valid grid.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="grid">The grid, when valid.</param>
    /// <param name="error">Why the rows are not a grid (empty, ragged, too large, a colour outside 0 to 9), when invalid.</param>
    /// <returns>Whether the rows are a valid grid.</returns>
    public static bool TryCreate(IReadOnlyList<IReadOnlyList<int>>? rows, [NotNullWhen(true)] out ArcGrid? grid, [NotNullWhen(false)] out string? error)
    {
        grid = null;
        if (rows is null)
        {
            error = "The grid is null.";
            return false;
        }

        if (rows.Count == 0)
        {
            error = "The grid is empty.";
            return false;
        }

        if (rows.Count > MaxSize)
        {
            error = $"The grid has {rows.Count} rows; at most {MaxSize} are allowed.";
            return false;
        }

        var width = rows[0]?.Count ?? 0;
        if (width > MaxSize)
        {
            error = $"The grid has {width} columns; at most {MaxSize} are allowed.";
            return false;
        }

        var cells = new byte[rows.Count * width];
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row is null || row.Count == 0)
            {
                error = $"Row {r} is empty.";
                return false;
            }

            if (row.Count != width)
            {
                error = $"The grid is ragged: row 0 has {width} cells, row {r} has {row.Count}.";
                return false;
            }

            for (var c = 0; c < width; c++)
            {
                var value = row[c];
                if ((uint)value > 9)
                {
                    error = $"Cell ({r}, {c}) is {value}; colours are 0 to 9.";
                    return false;
                }

                cells[(r * width) + c] = (byte)value;
            }
        }

        grid = new ArcGrid(rows.Count, width, cells);
        error = null;
        return true;
    }

    /// <summary>Creates a grid from rows of cells.</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The grid.</returns>
    /// <exception cref="ArgumentException">The rows are not a valid grid.</exception>
    public static ArcGrid Create(IReadOnlyList<IReadOnlyList<int>> rows)
        => TryCreate(rows, out var grid, out var error) ? grid! : throw new ArgumentException(error, nameof(rows));

    /// <summary>Reads a grid from a JSON array of arrays of integers, or says why it is not a valid grid.</summary>
    /// <param name="element">The JSON value.</param>
    /// <param name="grid">The grid, when valid.</param>
    /// <param name="error">Why the value is not a grid, when invalid.</param>
    /// <returns>Whether the value is a valid grid.</returns>
    public static bool TryParse(JsonElement element, [NotNullWhen(true)] out ArcGrid? grid, [NotNullWhen(false)] out string? error)
    {
        grid = null;
        if (element.ValueKind != JsonValueKind.Array)
        {
            error = $"The grid is {Describe(element.ValueKind)}, not an array of rows.";
            return false;
        }

        var rows = new List<IReadOnlyList<int>>(element.GetArrayLength());
        var r = 0;
        foreach (var rowElement in element.EnumerateArray())
        {
            if (rowElement.ValueKind != JsonValueKind.Array)
            {
                error = $"Row {r} is {Describe(rowElement.ValueKind)}, not an array of cells.";
                return false;
            }

            var row = new int[rowElement.GetArrayLength()];
            var c = 0;
            foreach (var cell in rowElement.EnumerateArray())
            {
                if (cell.ValueKind != JsonValueKind.Number || !cell.TryGetInt32(out row[c]))
                {
                    error = $"Cell ({r}, {c}) is {(cell.ValueKind == JsonValueKind.Number ? cell.GetRawText() : Describe(cell.ValueKind))}, not an integer colour.";
                    return false;
                }

                c++;
            }

            rows.Add(row);
            r++;
        }

        return TryCreate(rows, out grid, out error);
    }

    /// <summary>Gets the cells, row by row (<see cref="Height"/> × <see cref="Width"/> colours).</summary>
    internal ReadOnlySpan<byte> Cells => _cells;

    /// <summary>Wraps cells that the caller has already checked (1 to 30 rows and columns, every colour 0 to 9).</summary>
    /// <param name="height">The number of rows.</param>
    /// <param name="width">The number of columns.</param>
    /// <param name="cells">The cells, row by row; the grid keeps the array.</param>
    /// <returns>The grid.</returns>
    internal static ArcGrid FromCheckedCells(int height, int width, byte[] cells)
    {
        System.Diagnostics.Debug.Assert(height is >= 1 and <= MaxSize && width is >= 1 and <= MaxSize && cells.Length == height * width, "The cells were not checked.");
        return new ArcGrid(height, width, cells);
    }

    /// <summary>Gets the rows as arrays.</summary>
    /// <returns>A new array of rows.</returns>
    public int[][] ToArray()
    {
        var rows = new int[Height][];
        for (var r = 0; r < Height; r++)
        {
            rows[r] = new int[Width];
            for (var c = 0; c < Width; c++)
            {
                rows[r][c] = _cells[(r * Width) + c];
            }
        }

        return rows;
    }

    /// <summary>Writes the grid as a JSON array of arrays.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        for (var r = 0; r < Height; r++)
        {
            writer.WriteStartArray();
            for (var c = 0; c < Width; c++)
            {
                writer.WriteNumberValue(_cells[(r * Width) + c]);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    /// <inheritdoc />
    public bool Equals(ArcGrid? other)
        => other is not null && (ReferenceEquals(this, other) || (Height == other.Height && Width == other.Width && _cells.AsSpan().SequenceEqual(other._cells)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ArcGrid);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Height);
        hash.Add(Width);
        hash.AddBytes(_cells);
        return hash.ToHashCode();
    }

    /// <summary>Gets the grid as JSON, <c>[[0,1],[2,3]]</c>.</summary>
    /// <returns>The JSON text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder((Height * ((Width * 2) + 2)) + 2);
        text.Append('[');
        for (var r = 0; r < Height; r++)
        {
            text.Append(r == 0 ? "[" : ",[");
            for (var c = 0; c < Width; c++)
            {
                if (c > 0)
                {
                    text.Append(',');
                }

                text.Append((char)('0' + _cells[(r * Width) + c]));
            }

            text.Append(']');
        }

        return text.Append(']').ToString();
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
