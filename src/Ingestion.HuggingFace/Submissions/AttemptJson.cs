using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Ingestion.HuggingFace;

/// <summary>
/// The attempt object's JSON where the row formats need it: the raw answer cells behind an invalid grid, the answer
/// error behind a missing one, and an attempt object made up from a row's columns when a file has no <c>raw_json</c>.
/// </summary>
internal static class AttemptJson
{
    /// <summary>The error of an attempt without an answer (the same text as <see cref="SubmissionJson"/>'s).</summary>
    public const string NoAnswer = "The attempt has no answer.";

    /// <summary>How the row formats write JSON: compact, and non-ASCII text kept as it is (the output is a data file, not HTML).</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>
    /// Reads the <c>answer</c> of an attempt object as rows of integer cells, whatever their shape (ragged, empty, any
    /// value that fits an int32), so that an invalid answer keeps its cells in a Parquet file.
    /// </summary>
    /// <param name="rawJson">The attempt object.</param>
    /// <returns>The rows, or <see langword="null"/> when there is no answer or it is not an array of arrays of integers.</returns>
    public static int[][]? TryReadAnswerCells(string? rawJson)
    {
        if (!TryParse(rawJson, out var document))
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("answer", out var answer)
                || answer.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var rows = new int[answer.GetArrayLength()][];
            var r = 0;
            foreach (var rowElement in answer.EnumerateArray())
            {
                if (rowElement.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                var row = new int[rowElement.GetArrayLength()];
                var c = 0;
                foreach (var cell in rowElement.EnumerateArray())
                {
                    if (cell.ValueKind != JsonValueKind.Number || !cell.TryGetInt32(out row[c]))
                    {
                        return null;
                    }

                    c++;
                }

                rows[r++] = row;
            }

            return rows;
        }
    }

    /// <summary>
    /// Says why an attempt has no usable answer when the answer column is null: the reason the JSON reader gives for the
    /// attempt object's <c>answer</c> (not an array, a cell that is not an integer, …), or <see cref="NoAnswer"/>.
    /// </summary>
    /// <param name="rawJson">The attempt object, or <see langword="null"/>.</param>
    /// <returns>The error.</returns>
    public static string AnswerErrorWithoutCells(string? rawJson)
    {
        if (!TryParse(rawJson, out var document))
        {
            return NoAnswer;
        }

        using (document)
        {
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("answer", out var answer)
                && !ArcGrid.TryParse(answer, out _, out var error)
                    ? error!
                    : NoAnswer;
        }
    }

    /// <summary>
    /// Makes up an attempt object from an attempt's properties, in the arcprize layout, such that
    /// <see cref="SubmissionJson.ReadAttempt(JsonElement, string, int, int)"/> reads the same properties back. Null
    /// properties are left out.
    /// </summary>
    /// <param name="attempt">The properties (its <see cref="SubmissionAttempt.RawJson"/> is not used).</param>
    /// <param name="answerCells">The answer's cells when it is not a valid grid (a <see langword="null"/> row or cell as JSON null), or <see langword="null"/>.</param>
    /// <returns>The JSON.</returns>
    public static string Synthesize(SubmissionAttempt attempt, IReadOnlyList<IReadOnlyList<int?>?>? answerCells)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            if (attempt.Answer is { } grid)
            {
                writer.WritePropertyName("answer");
                grid.WriteTo(writer);
            }
            else if (answerCells is not null)
            {
                writer.WritePropertyName("answer");
                WriteCells(writer, answerCells);
            }

            if (attempt.ReportedCorrect is { } correct)
            {
                writer.WriteBoolean("correct", correct);
            }

            writer.WriteStartObject("metadata");
            WriteString(writer, "model", attempt.Model);
            WriteString(writer, "provider", attempt.Provider);
            WriteTimestamp(writer, "start_timestamp", attempt.StartedAt);
            WriteTimestamp(writer, "end_timestamp", attempt.EndedAt);
            if (attempt.UserPrompt is not null || attempt.AssistantContent is not null)
            {
                writer.WriteStartArray("choices");
                WriteChoice(writer, 0, "user", attempt.UserPrompt);
                WriteChoice(writer, 1, "assistant", attempt.AssistantContent);
                writer.WriteEndArray();
            }

            WriteString(writer, "reasoning_summary", attempt.ReasoningSummary);
            if (attempt.PromptTokens is not null || attempt.CompletionTokens is not null || attempt.TotalTokens is not null || attempt.ReasoningTokens is not null)
            {
                writer.WriteStartObject("usage");
                WriteNumber(writer, "prompt_tokens", attempt.PromptTokens);
                WriteNumber(writer, "completion_tokens", attempt.CompletionTokens);
                WriteNumber(writer, "total_tokens", attempt.TotalTokens);
                if (attempt.ReasoningTokens is { } reasoning)
                {
                    writer.WriteStartObject("completion_tokens_details");
                    writer.WriteNumber("reasoning_tokens", reasoning);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            if (attempt.TotalCost is { } cost)
            {
                writer.WriteStartObject("cost");
                writer.WriteNumber("total_cost", cost);
                writer.WriteEndObject();
            }

            writer.WriteNumber("pair_index", attempt.PairIndex);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Copies an attempt with another <see cref="SubmissionAttempt.RawJson"/>.</summary>
    /// <param name="attempt">The attempt.</param>
    /// <param name="rawJson">The raw JSON.</param>
    /// <returns>The copy.</returns>
    public static SubmissionAttempt WithRawJson(SubmissionAttempt attempt, string rawJson) => new()
    {
        TaskId = attempt.TaskId,
        PairIndex = attempt.PairIndex,
        AttemptNumber = attempt.AttemptNumber,
        Answer = attempt.Answer,
        AnswerError = attempt.AnswerError,
        ReportedCorrect = attempt.ReportedCorrect,
        Model = attempt.Model,
        Provider = attempt.Provider,
        StartedAt = attempt.StartedAt,
        EndedAt = attempt.EndedAt,
        UserPrompt = attempt.UserPrompt,
        AssistantContent = attempt.AssistantContent,
        ReasoningSummary = attempt.ReasoningSummary,
        PromptTokens = attempt.PromptTokens,
        CompletionTokens = attempt.CompletionTokens,
        ReasoningTokens = attempt.ReasoningTokens,
        TotalTokens = attempt.TotalTokens,
        TotalCost = attempt.TotalCost,
        RawJson = rawJson,
    };

    private static bool TryParse(string? json, out JsonDocument document)
    {
        document = null!;
        if (string.IsNullOrEmpty(json))
        {
            return false;
        }

        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
            return true;
        }
        catch (JsonException)
        {
            return false; // the raw JSON is payload: a damaged one leaves the answer unexplained, it does not fail the row
        }
    }

    private static void WriteCells(Utf8JsonWriter writer, IReadOnlyList<IReadOnlyList<int?>?> rows)
    {
        writer.WriteStartArray();
        foreach (var row in rows)
        {
            if (row is null)
            {
                writer.WriteNullValue();
                continue;
            }

            writer.WriteStartArray();
            foreach (var cell in row)
            {
                if (cell is { } value)
                {
                    writer.WriteNumberValue(value);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes one <c>choices</c> entry (<c>{index, message: {role, content}}</c>), nothing when there is no content; the generator writes submissions with it too.</summary>
    internal static void WriteChoice(Utf8JsonWriter writer, int index, string role, string? content)
    {
        if (content is null)
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        writer.WriteStartObject("message");
        writer.WriteString("role", role);
        writer.WriteString("content", content);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static void WriteTimestamp(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } timestamp)
        {
            writer.WriteString(name, timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        }
    }
}
