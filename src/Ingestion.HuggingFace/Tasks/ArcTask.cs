using System.Text.Json;

namespace Ingestion.HuggingFace;

/// <summary>An input grid and, where known, the output it should become.</summary>
/// <param name="Input">The input grid.</param>
/// <param name="Output">The expected output; <see langword="null"/> for hidden test outputs.</param>
public sealed record ArcPair(ArcGrid Input, ArcGrid? Output);

/// <summary>An ARC task (puzzle): demonstration pairs and test pairs, as an ARC task file holds them (<c>{ train: [{input, output}], test: [{input, output}] }</c>).</summary>
public sealed class ArcTask
{
    /// <summary>Initializes a new instance of the <see cref="ArcTask"/> class.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="train">The demonstration pairs.</param>
    /// <param name="test">The test pairs, whose outputs predictions are checked against.</param>
    public ArcTask(string id, IReadOnlyList<ArcPair> train, IReadOnlyList<ArcPair> test)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        Id = id;
        Train = train;
        Test = test;
    }

    /// <summary>Gets the task id.</summary>
    public string Id { get; }

    /// <summary>Gets the demonstration pairs.</summary>
    public IReadOnlyList<ArcPair> Train { get; }

    /// <summary>Gets the test pairs.</summary>
    public IReadOnlyList<ArcPair> Test { get; }

    /// <summary>Reads a task file.</summary>
    /// <param name="id">The task id (the file name without <c>.json</c>).</param>
    /// <param name="utf8Json">The file's content.</param>
    /// <returns>The task.</returns>
    /// <exception cref="FormatException">The file is not an ARC task.</exception>
    public static ArcTask Parse(string id, ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Task {id}: not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"Task {id}: the file is not an object with train and test pairs.");
            }

            return new ArcTask(id, ReadPairs(id, root, "train", outputRequired: true), ReadPairs(id, root, "test", outputRequired: false));
        }
    }

    /// <summary>Writes the task as an ARC task file.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WritePairs(writer, "train", Train);
        WritePairs(writer, "test", Test);
        writer.WriteEndObject();
    }

    private static void WritePairs(Utf8JsonWriter writer, string name, IReadOnlyList<ArcPair> pairs)
    {
        writer.WriteStartArray(name);
        foreach (var pair in pairs)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("input");
            pair.Input.WriteTo(writer);
            if (pair.Output is not null)
            {
                writer.WritePropertyName("output");
                pair.Output.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static List<ArcPair> ReadPairs(string id, JsonElement root, string name, bool outputRequired)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"Task {id}: '{name}' is missing or not an array.");
        }

        var pairs = new List<ArcPair>(array.GetArrayLength());
        var index = 0;
        foreach (var pair in array.EnumerateArray())
        {
            if (pair.ValueKind != JsonValueKind.Object || !pair.TryGetProperty("input", out var input))
            {
                throw new FormatException($"Task {id}: {name}[{index}] has no input.");
            }

            if (!ArcGrid.TryParse(input, out var inputGrid, out var error))
            {
                throw new FormatException($"Task {id}: {name}[{index}].input: {error}");
            }

            ArcGrid? outputGrid = null;
            if (pair.TryGetProperty("output", out var output) && output.ValueKind != JsonValueKind.Null)
            {
                if (!ArcGrid.TryParse(output, out outputGrid, out error))
                {
                    throw new FormatException($"Task {id}: {name}[{index}].output: {error}");
                }
            }
            else if (outputRequired)
            {
                throw new FormatException($"Task {id}: {name}[{index}] has no output.");
            }

            pairs.Add(new ArcPair(inputGrid!, outputGrid));
            index++;
        }

        return pairs;
    }
}
