namespace Ingestion.HuggingFace;

/// <summary>
/// One attempt of a model at one test pair of an ARC task, as a submission file holds it (the arcprize layout:
/// <c>[{ "attempt_1": {answer, correct, metadata}, "attempt_2": … }]</c>, one element per test pair).
/// </summary>
public sealed class SubmissionAttempt
{
    /// <summary>Gets the task id (8 lowercase hex characters in the ARC datasets).</summary>
    public required string TaskId { get; init; }

    /// <summary>Gets the test pair, from 0.</summary>
    public required int PairIndex { get; init; }

    /// <summary>Gets the attempt number, from 1 (<c>attempt_1</c>).</summary>
    public required int AttemptNumber { get; init; }

    /// <summary>Gets the predicted grid, or <see langword="null"/> when the answer is not a valid grid (see <see cref="AnswerError"/>).</summary>
    public ArcGrid? Answer { get; init; }

    /// <summary>Gets why the answer is not a valid grid (empty, ragged, a colour outside 0 to 9, a size outside 1 to 30), or <see langword="null"/>.</summary>
    public string? AnswerError { get; init; }

    /// <summary>Gets the <c>correct</c> flag the submission claims; the validator does not trust it.</summary>
    public bool? ReportedCorrect { get; init; }

    /// <summary>Gets the model (<c>metadata.model</c>).</summary>
    public string? Model { get; init; }

    /// <summary>Gets the provider (<c>metadata.provider</c>).</summary>
    public string? Provider { get; init; }

    /// <summary>Gets when the model was asked (<c>metadata.start_timestamp</c>).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the model answered (<c>metadata.end_timestamp</c>).</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Gets the prompt: the content of the first <c>user</c> message in <c>metadata.choices</c>.</summary>
    public string? UserPrompt { get; init; }

    /// <summary>Gets the answer text: the content of the last <c>assistant</c> message in <c>metadata.choices</c>.</summary>
    public string? AssistantContent { get; init; }

    /// <summary>Gets <c>metadata.reasoning_summary</c>.</summary>
    public string? ReasoningSummary { get; init; }

    /// <summary>Gets <c>metadata.usage.prompt_tokens</c>.</summary>
    public long? PromptTokens { get; init; }

    /// <summary>Gets <c>metadata.usage.completion_tokens</c>.</summary>
    public long? CompletionTokens { get; init; }

    /// <summary>Gets <c>metadata.usage.completion_tokens_details.reasoning_tokens</c>.</summary>
    public long? ReasoningTokens { get; init; }

    /// <summary>Gets <c>metadata.usage.total_tokens</c>.</summary>
    public long? TotalTokens { get; init; }

    /// <summary>Gets <c>metadata.cost.total_cost</c>.</summary>
    public double? TotalCost { get; init; }

    /// <summary>Gets the attempt's JSON as the file holds it (the attempt object), kept with the record.</summary>
    public required string RawJson { get; init; }

    /// <summary>Gets how long the model took (end − start), when both timestamps are known and in order.</summary>
    public TimeSpan? Duration => StartedAt is { } start && EndedAt is { } end && end >= start ? end - start : null;
}
