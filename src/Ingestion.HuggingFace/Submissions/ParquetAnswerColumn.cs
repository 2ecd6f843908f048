using System.Buffers;
using System.Numerics;
using Parquet;
using Parquet.Schema;

namespace Ingestion.HuggingFace;

/// <summary>
/// The <c>answer</c> column, <c>list&lt;list&lt;int&gt;&gt;</c>, read from its leaf's values and definition and
/// repetition levels and turned straight into grids, with no intermediate lists on the way for a valid grid. Accepts
/// the nullability any writer chose for each level (Parquet.Net's writer: optional lists of required int32; DuckDB's:
/// everything optional) and an int32 or int64 leaf.
/// </summary>
internal sealed class ParquetAnswerColumn
{
    private readonly DataField _leaf;
    private readonly bool _isInt64;

    // Definition-level thresholds: an entry whose level is at least the threshold has that part defined.
    private readonly int _answerDefined;   // the answer is not null
    private readonly int _answerHasRow;    // the answer has at least one row
    private readonly int _rowDefined;      // this row is not null
    private readonly int _rowHasCell;      // this row has at least one cell
    private readonly int _cellDefined;     // this cell is not null

    private ParquetAnswerColumn(DataField leaf, bool isInt64, int answerDefined, int rowDefined, int cellDefined)
    {
        _leaf = leaf;
        _isInt64 = isInt64;
        _answerDefined = answerDefined;
        _answerHasRow = answerDefined + 1;
        _rowDefined = rowDefined;
        _rowHasCell = rowDefined + 1;
        _cellDefined = cellDefined;
    }

    /// <summary>Finds the column's shape in a file's schema.</summary>
    /// <param name="field">The top-level <c>answer</c> field.</param>
    /// <returns>The column.</returns>
    /// <exception cref="SubmissionFormatException">The field is not a list of lists of integers.</exception>
    public static ParquetAnswerColumn Resolve(Field field)
    {
        if (field is not ListField { Item: ListField { Item: DataField leaf } row } answer
            || leaf.MaxRepetitionLevel != 2
            || (leaf.ClrType != typeof(int) && leaf.ClrType != typeof(long)))
        {
            throw new SubmissionFormatException(
                $"The Parquet column '{SubmissionParquetSchema.Answer}' is {Describe(field)}; a submission's answer must be a list of lists of int32 or int64.");
        }

        var answerDefined = answer.IsNullable ? 1 : 0;
        var rowDefined = answerDefined + 1 + (row.IsNullable ? 1 : 0);
        var cellDefined = rowDefined + 1 + (leaf.IsNullable ? 1 : 0);
        if (cellDefined != leaf.MaxDefinitionLevel)
        {
            throw new SubmissionFormatException(
                $"The Parquet column '{SubmissionParquetSchema.Answer}' has an unexpected nesting (definition level {leaf.MaxDefinitionLevel}, expected {cellDefined}).");
        }

        return new ParquetAnswerColumn(leaf, leaf.ClrType == typeof(long), answerDefined, rowDefined, cellDefined);
    }

    /// <summary>Reads the column of one row group into one answer per row.</summary>
    /// <param name="rowGroup">The row group.</param>
    /// <param name="rows">The row group's row count.</param>
    /// <param name="keepInvalidCells">Whether to keep the cells of answers that are not valid grids (to make up a missing <c>raw_json</c>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The answers.</returns>
    public async ValueTask<Answers> ReadAsync(ParquetRowGroupReader rowGroup, int rows, bool keepInvalidCells, CancellationToken cancellationToken)
    {
        var entries = checked((int)(rowGroup.GetMetadata(_leaf)?.MetaData?.NumValues
            ?? throw new SubmissionFormatException($"The Parquet column '{SubmissionParquetSchema.Answer}' has no metadata.")));
        var definitions = ArrayPool<int>.Shared.Rent(entries);
        var repetitions = ArrayPool<int>.Shared.Rent(entries);
        try
        {
            if (_isInt64)
            {
                var values = ArrayPool<long>.Shared.Rent(entries);
                try
                {
                    await rowGroup.ReadRawAsync(_leaf, values.AsMemory(0, entries), definitions.AsMemory(0, entries), repetitions.AsMemory(0, entries), cancellationToken).ConfigureAwait(false);
                    return Decode<long>(values.AsSpan(0, entries), definitions.AsSpan(0, entries), repetitions.AsSpan(0, entries), rows, keepInvalidCells);
                }
                finally
                {
                    ArrayPool<long>.Shared.Return(values);
                }
            }
            else
            {
                var values = ArrayPool<int>.Shared.Rent(entries);
                try
                {
                    await rowGroup.ReadRawAsync(_leaf, values.AsMemory(0, entries), definitions.AsMemory(0, entries), repetitions.AsMemory(0, entries), cancellationToken).ConfigureAwait(false);
                    return Decode<int>(values.AsSpan(0, entries), definitions.AsSpan(0, entries), repetitions.AsSpan(0, entries), rows, keepInvalidCells);
                }
                finally
                {
                    ArrayPool<int>.Shared.Return(values);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(definitions);
            ArrayPool<int>.Shared.Return(repetitions);
        }
    }

    private static string Describe(Field field) => field switch
    {
        DataField data => $"a {data.ClrType.Name} column",
        ListField list => $"a list of {Describe(list.Item)}",
        _ => $"a {field.SchemaType.ToString().ToLowerInvariant()}",
    };

    private static SubmissionFormatException Misaligned(string what)
        => new($"The Parquet column '{SubmissionParquetSchema.Answer}' is damaged: {what}.");

    // Repetition levels: 0 starts a row of the file, 1 starts a grid row, 2 continues a grid row.
    private Answers Decode<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> definitions, ReadOnlySpan<int> repetitions, int rows, bool keepInvalidCells)
        where T : struct, IBinaryInteger<T>
    {
        var answers = new Answers(rows, keepInvalidCells);
        var entry = 0;
        var value = 0;
        for (var row = 0; row < rows; row++)
        {
            if (entry >= definitions.Length)
            {
                throw Misaligned($"it ends at row {row} of {rows}");
            }

            if (repetitions[entry] != 0)
            {
                throw Misaligned($"row {row} does not start a record");
            }

            var definition = definitions[entry];
            if (definition < _answerDefined)
            {
                answers.Missing[row] = true;
                entry++;
                continue;
            }

            if (definition < _answerHasRow)
            {
                _ = ArcGrid.TryCreate([], out _, out answers.Errors[row]);
                if (keepInvalidCells)
                {
                    answers.InvalidCells![row] = [];
                }

                entry++;
                continue;
            }

            // First pass: is this a valid grid? Track the shape as the entries go by; any doubt goes to the slow path.
            var firstEntry = entry;
            var firstValue = value;
            var height = 0;
            var width = -1;
            var length = 0;
            var valid = true;
            do
            {
                if (repetitions[entry] <= 1)
                {
                    if (height > 0)
                    {
                        valid &= width < 0 || length == width;
                        width = width < 0 ? length : width;
                    }

                    height++;
                    length = 0;
                }

                definition = definitions[entry];
                if (definition >= _cellDefined)
                {
                    if (value >= values.Length)
                    {
                        throw Misaligned("it has fewer values than its levels say");
                    }

                    valid &= (ulong)long.CreateTruncating(values[value]) <= 9; // a colour, 0 to 9
                    value++;
                    length++;
                }
                else
                {
                    valid = false; // a null row, an empty row or a null cell
                    length += definition >= _rowHasCell ? 1 : 0;
                }

                entry++;
            }
            while (entry < definitions.Length && repetitions[entry] != 0);

            valid &= width < 0 || length == width;
            width = width < 0 ? length : width;
            valid &= height <= ArcGrid.MaxSize && width is >= 1 and <= ArcGrid.MaxSize;
            if (valid)
            {
                var cells = new byte[height * width];
                var source = values.Slice(firstValue, cells.Length);
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = byte.CreateTruncating(source[i]);
                }

                answers.Grids[row] = ArcGrid.FromCheckedCells(height, width, cells);
            }
            else
            {
                SlowPath(answers, row, values, definitions[firstEntry..entry], repetitions[firstEntry..entry], firstValue, keepInvalidCells);
            }
        }

        if (entry != definitions.Length)
        {
            throw Misaligned($"it has more entries than the {rows} rows");
        }

        return answers;
    }

    // An answer that is not a valid grid (or has nulls inside): rebuild its rows and let ArcGrid say why, with the same
    // precedence as ArcGrid.TryParse for JSON: the first null row or cell that is not an int32, else TryCreate's verdict.
    private void SlowPath<T>(Answers answers, int row, ReadOnlySpan<T> values, ReadOnlySpan<int> definitions, ReadOnlySpan<int> repetitions, int value, bool keepInvalidCells)
        where T : struct, IBinaryInteger<T>
    {
        var grid = new List<List<int?>?>();
        string? problem = null;
        for (var entry = 0; entry < definitions.Length; entry++)
        {
            var definition = definitions[entry];
            if (repetitions[entry] <= 1)
            {
                grid.Add(definition >= _rowDefined ? [] : null);
                if (definition < _rowDefined)
                {
                    problem ??= $"Row {grid.Count - 1} is null, not an array of cells.";
                }
            }

            if (definition < _rowHasCell)
            {
                continue;
            }

            var cells = grid[^1]!;
            if (definition < _cellDefined)
            {
                problem ??= $"Cell ({grid.Count - 1}, {cells.Count}) is null, not an integer colour.";
                cells.Add(null);
                continue;
            }

            var cell = long.CreateTruncating(values[value++]);
            if (cell is >= int.MinValue and <= int.MaxValue)
            {
                cells.Add((int)cell);
            }
            else
            {
                problem ??= $"Cell ({grid.Count - 1}, {cells.Count}) is {cell}, not an integer colour.";
                cells.Add(null);
            }
        }

        if (problem is null)
        {
            var rows = new IReadOnlyList<int>[grid.Count];
            for (var r = 0; r < rows.Length; r++)
            {
                rows[r] = grid[r]!.Select(static c => c!.Value).ToArray();
            }

            // ArcGrid has the final word, so a grid the first pass doubted but that is valid still reads as valid.
            if (ArcGrid.TryCreate(rows, out var created, out problem))
            {
                answers.Grids[row] = created;
                return;
            }
        }

        answers.Errors[row] = problem;
        if (keepInvalidCells)
        {
            answers.InvalidCells![row] = grid;
        }
    }

    /// <summary>The answers of one row group, by row.</summary>
    internal sealed class Answers
    {
        public Answers(int rows, bool keepInvalidCells)
        {
            Grids = new ArcGrid?[rows];
            Errors = new string?[rows];
            Missing = new bool[rows];
            InvalidCells = keepInvalidCells ? new IReadOnlyList<IReadOnlyList<int?>?>?[rows] : null;
        }

        /// <summary>Gets the valid grids.</summary>
        public ArcGrid?[] Grids { get; }

        /// <summary>Gets why an answer that is there is not a valid grid.</summary>
        public string?[] Errors { get; }

        /// <summary>Gets whether the answer is null.</summary>
        public bool[] Missing { get; }

        /// <summary>Gets the cells of the invalid answers, when asked for.</summary>
        public IReadOnlyList<IReadOnlyList<int?>?>?[]? InvalidCells { get; }
    }
}
