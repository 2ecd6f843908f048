namespace Ingestion.HuggingFace;

/// <summary>
/// One attempt record the pipeline should save for a puzzle: attempt number <see cref="AttemptNumber"/> across the
/// test pairs where it is present. The pairs of one attempt number are written back to back in time, so
/// <see cref="Duration"/> (the sum over the pairs) is also <see cref="EndedAt"/> − <see cref="StartedAt"/>.
/// </summary>
public sealed class GeneratedAttemptRecord
{
    internal GeneratedAttemptRecord(
        int attemptNumber,
        IReadOnlyList<GeneratedPrediction> predictions,
        long promptTokens,
        long completionTokens,
        long reasoningTokens,
        double totalCost,
        DateTimeOffset startedAt,
        DateTimeOffset endedAt,
        TimeSpan duration)
    {
        AttemptNumber = attemptNumber;
        Predictions = predictions;
        PromptTokens = promptTokens;
        CompletionTokens = completionTokens;
        ReasoningTokens = reasoningTokens;
        TotalCost = totalCost;
        StartedAt = startedAt;
        EndedAt = endedAt;
        Duration = duration;
        foreach (var prediction in predictions)
        {
            CorrectPredictions += prediction.IsCorrect ? 1 : 0;
            ValidationErrors += prediction.IsValid ? 0 : 1;
        }
    }

    /// <summary>Gets the attempt number, from 1.</summary>
    public int AttemptNumber { get; }

    /// <summary>Gets the predictions, by pair index: one per test pair where this attempt is present and not <c>null</c>.</summary>
    public IReadOnlyList<GeneratedPrediction> Predictions { get; }

    /// <summary>Gets how many predictions are correct.</summary>
    public int CorrectPredictions { get; }

    /// <summary>Gets how many answers are not valid grids.</summary>
    public int ValidationErrors { get; }

    /// <summary>Gets the sum of <c>usage.prompt_tokens</c>.</summary>
    public long PromptTokens { get; }

    /// <summary>Gets the sum of <c>usage.completion_tokens</c> (reasoning tokens included).</summary>
    public long CompletionTokens { get; }

    /// <summary>Gets the sum of <c>usage.completion_tokens_details.reasoning_tokens</c>.</summary>
    public long ReasoningTokens { get; }

    /// <summary>Gets the sum of <c>usage.total_tokens</c> (prompt + completion).</summary>
    public long TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Gets the sum of <c>cost.total_cost</c>; every cost is a whole multiple of 2⁻²⁴ dollars, so this sum is exact in any order.</summary>
    public double TotalCost { get; }

    /// <summary>Gets the earliest <c>start_timestamp</c>.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets the latest <c>end_timestamp</c>.</summary>
    public DateTimeOffset EndedAt { get; }

    /// <summary>Gets the sum of end − start over the predictions (whole milliseconds).</summary>
    public TimeSpan Duration { get; }
}
