using System.Globalization;
using System.Text.Json;

namespace Ingestion.HuggingFace;

/// <summary>
/// Reads submissions in the arcprize JSON layout: a task file is an array with one element per test pair, each element
/// an object of <c>attempt_1</c>, <c>attempt_2</c>, … (each an attempt object or <see langword="null"/>). Unknown
/// fields are ignored; an answer that is not a valid grid makes an attempt with <see cref="SubmissionAttempt.AnswerError"/>
/// set, not an error. What is not the layout at all (not JSON, truncated, not an array) throws
/// <see cref="SubmissionFormatException"/>.
/// </summary>
public static class SubmissionJson
{
    private const int MaxDepth = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = MaxDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Reads a task file from a stream (read to its end, parsed as it arrives).</summary>
    /// <param name="stream">The file's content.</param>
    /// <param name="taskId">The task id (the file's name without <c>.json</c>); attempts whose metadata names another task are still filed under it.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The submission.</returns>
    /// <exception cref="SubmissionFormatException">The file is not a submission in the arcprize layout.</exception>
    public static async ValueTask<TaskSubmission> ReadTaskFileAsync(Stream stream, string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, DocumentOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new SubmissionFormatException($"Submission {taskId}: not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            return ReadTaskFile(document.RootElement, taskId);
        }
    }

    /// <summary>Reads a task file that is already parsed.</summary>
    /// <param name="root">The file's root value.</param>
    /// <param name="taskId">The task id.</param>
    /// <returns>The submission.</returns>
    /// <exception cref="SubmissionFormatException">The value is not a submission in the arcprize layout.</exception>
    public static TaskSubmission ReadTaskFile(JsonElement root, string taskId)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new SubmissionFormatException($"Submission {taskId}: the file is {root.ValueKind.ToString().ToLowerInvariant()}, not an array of test pairs.");
        }

        var attempts = new List<SubmissionAttempt>();
        var position = 0;
        foreach (var pair in root.EnumerateArray())
        {
            if (pair.ValueKind == JsonValueKind.Null)
            {
                position++;
                continue;
            }

            if (pair.ValueKind != JsonValueKind.Object)
            {
                throw new SubmissionFormatException($"Submission {taskId}: test pair {position} is {pair.ValueKind.ToString().ToLowerInvariant()}, not an object of attempts.");
            }

            foreach (var property in pair.EnumerateObject())
            {
                if (!TryParseAttemptName(property.Name, out var number))
                {
                    continue; // tolerated: fields other than attempt_N
                }

                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                attempts.Add(ReadAttempt(property.Value, taskId, position, number));
            }

            position++;
        }

        return new TaskSubmission(taskId, attempts);
    }

    /// <summary>
    /// Reads one attempt object (<c>{answer, correct, metadata}</c>). The pair index is <c>metadata.pair_index</c> when
    /// present, else <paramref name="defaultPairIndex"/>.
    /// </summary>
    /// <param name="attempt">The attempt object.</param>
    /// <param name="taskId">The task the attempt belongs to.</param>
    /// <param name="defaultPairIndex">The pair index when the metadata has none (the element's position in a task file).</param>
    /// <param name="attemptNumber">The attempt number (<c>attempt_N</c>).</param>
    /// <returns>The attempt.</returns>
    /// <exception cref="SubmissionFormatException">The value is not an attempt object.</exception>
    public static SubmissionAttempt ReadAttempt(JsonElement attempt, string taskId, int defaultPairIndex, int attemptNumber)
        => ReadAttempt(attempt, taskId, defaultPairIndex, attemptNumber, pairIndex: null, rawJson: null);

    /// <summary>Reads one attempt object, with the pair index and the raw JSON given by the caller when it has them.</summary>
    /// <param name="attempt">The attempt object.</param>
    /// <param name="taskId">The task the attempt belongs to.</param>
    /// <param name="defaultPairIndex">The pair index when neither <paramref name="pairIndex"/> nor the metadata has one.</param>
    /// <param name="attemptNumber">The attempt number.</param>
    /// <param name="pairIndex">The pair index that wins over <c>metadata.pair_index</c> (a JSONL line's own <c>pair_index</c>), or <see langword="null"/>.</param>
    /// <param name="rawJson">The attempt's JSON to keep, or <see langword="null"/> for the element's raw text.</param>
    /// <returns>The attempt.</returns>
    internal static SubmissionAttempt ReadAttempt(JsonElement attempt, string taskId, int defaultPairIndex, int attemptNumber, int? pairIndex, string? rawJson)
    {
        if (attempt.ValueKind != JsonValueKind.Object)
        {
            throw new SubmissionFormatException($"Submission {taskId}: attempt_{attemptNumber} of pair {defaultPairIndex} is {attempt.ValueKind.ToString().ToLowerInvariant()}, not an object.");
        }

        ArcGrid? answer = null;
        string? answerError;
        if (attempt.TryGetProperty("answer", out var answerElement))
        {
            _ = ArcGrid.TryParse(answerElement, out answer, out answerError);
        }
        else
        {
            answerError = "The attempt has no answer.";
        }

        bool? reportedCorrect = attempt.TryGetProperty("correct", out var correct) && correct.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? correct.GetBoolean()
            : null;

        var resolvedPairIndex = defaultPairIndex;
        string? model = null, provider = null, userPrompt = null, assistant = null, reasoning = null;
        DateTimeOffset? started = null, ended = null;
        long? promptTokens = null, completionTokens = null, reasoningTokens = null, totalTokens = null;
        double? totalCost = null;
        if (attempt.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            if (GetInt64(metadata, "pair_index") is { } index and >= 0 and <= int.MaxValue)
            {
                resolvedPairIndex = (int)index;
            }

            model = GetString(metadata, "model");
            provider = GetString(metadata, "provider");
            started = GetTimestamp(metadata, "start_timestamp");
            ended = GetTimestamp(metadata, "end_timestamp");
            reasoning = GetString(metadata, "reasoning_summary");
            if (metadata.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.ValueKind != JsonValueKind.Object
                        || !choice.TryGetProperty("message", out var message)
                        || message.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    var content = GetString(message, "content");
                    switch (GetString(message, "role"))
                    {
                        case "user":
                            userPrompt ??= content;
                            break;
                        case "assistant":
                            assistant = content ?? assistant;
                            break;
                    }
                }
            }

            if (metadata.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                promptTokens = GetInt64(usage, "prompt_tokens");
                completionTokens = GetInt64(usage, "completion_tokens");
                totalTokens = GetInt64(usage, "total_tokens");
                if (usage.TryGetProperty("completion_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object)
                {
                    reasoningTokens = GetInt64(details, "reasoning_tokens");
                }
            }

            if (metadata.TryGetProperty("cost", out var cost) && cost.ValueKind == JsonValueKind.Object)
            {
                totalCost = GetDouble(cost, "total_cost");
            }
        }

        return new SubmissionAttempt
        {
            TaskId = taskId,
            PairIndex = pairIndex ?? resolvedPairIndex,
            AttemptNumber = attemptNumber,
            Answer = answer,
            AnswerError = answer is null ? answerError : null,
            ReportedCorrect = reportedCorrect,
            Model = model,
            Provider = provider,
            StartedAt = started,
            EndedAt = ended,
            UserPrompt = userPrompt,
            AssistantContent = assistant,
            ReasoningSummary = reasoning,
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            ReasoningTokens = reasoningTokens,
            TotalTokens = totalTokens,
            TotalCost = totalCost,
            RawJson = rawJson ?? attempt.GetRawText(),
        };
    }

    /// <summary>Parses <c>attempt_N</c> (N ≥ 1).</summary>
    /// <param name="name">The property name.</param>
    /// <param name="number">N.</param>
    /// <returns>Whether the name is an attempt's.</returns>
    internal static bool TryParseAttemptName(string name, out int number)
    {
        number = 0;
        return name.StartsWith("attempt_", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out number)
            && number >= 1;
    }

    private static string? GetString(JsonElement obj, string name)
        => obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? GetInt64(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetInt64(out var integer))
        {
            return integer;
        }

        return value.TryGetDouble(out var real) && real is >= long.MinValue and <= long.MaxValue ? (long)real : null;
    }

    private static double? GetDouble(JsonElement obj, string name)
        => obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var real) ? real : null;

    private static DateTimeOffset? GetTimestamp(JsonElement obj, string name)
        => GetString(obj, name) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
                ? value
                : null;
}
