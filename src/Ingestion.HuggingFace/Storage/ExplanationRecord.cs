namespace Ingestion.HuggingFace;

/// <summary>One attempt's prediction for one test pair of a puzzle, checked against the expected output.</summary>
public sealed class PredictionResult
{
    /// <summary>Gets the test pair, from 0.</summary>
    public required int PairIndex { get; init; }

    /// <summary>Gets the predicted grid, or <see langword="null"/> when the answer was not a valid grid or there was no prediction for the pair.</summary>
    public ArcGrid? Predicted { get; init; }

    /// <summary>Gets whether the prediction equals the expected output (same size, every cell equal).</summary>
    public required bool IsCorrect { get; init; }

    /// <summary>Gets why the prediction is not a valid grid, or <see langword="null"/> when it is one.</summary>
    public string? ValidationError { get; init; }

    /// <summary>Gets the prompt the model was given for this pair.</summary>
    public string? UserPrompt { get; init; }

    /// <summary>Gets the model's answer text for this pair.</summary>
    public string? AssistantContent { get; init; }

    /// <summary>Gets the model's reasoning summary for this pair.</summary>
    public string? ReasoningSummary { get; init; }

    /// <summary>Gets the attempt's JSON for this pair as the submission held it.</summary>
    public string? RawJson { get; init; }
}

/// <summary>
/// What the ingestion writes for one attempt of one model at one puzzle, across its test pairs: named
/// <c>{modelFolder}-attempt{n}</c>, unique per (<see cref="PuzzleId"/>, <see cref="ModelName"/>).
/// </summary>
public sealed class ExplanationRecord
{
    /// <summary>Gets the puzzle (task) id.</summary>
    public required string PuzzleId { get; init; }

    /// <summary>Gets the record's model name, <c>{modelFolder}-attempt{n}</c>.</summary>
    public required string ModelName { get; init; }

    /// <summary>Gets the dataset's model folder.</summary>
    public required string ModelFolder { get; init; }

    /// <summary>Gets the attempt number, from 1.</summary>
    public required int AttemptNumber { get; init; }

    /// <summary>Gets the dataset the record came from (e.g. <c>arcprize/arc_agi_v1_public_eval</c>).</summary>
    public required string Dataset { get; init; }

    /// <summary>Gets the task set the puzzle belongs to (e.g. <c>ARC1-Eval</c>).</summary>
    public required string Source { get; init; }

    /// <summary>Gets the puzzle's number of test pairs.</summary>
    public required int TestPairs { get; init; }

    /// <summary>Gets the attempt's predictions, one per test pair it answered, by pair index.</summary>
    public required IReadOnlyList<PredictionResult> Predictions { get; init; }

    /// <summary>Gets the number of test pairs predicted correctly.</summary>
    public int CorrectPredictions => Predictions.Count(static p => p.IsCorrect);

    /// <summary>Gets whether every test pair of the puzzle was predicted correctly (a pair not answered is not).</summary>
    public bool IsCorrect => TestPairs > 0 && CorrectPredictions == TestPairs;

    /// <summary>Gets the share of the puzzle's test pairs predicted correctly, 0 to 1 (a pair not answered counts as wrong).</summary>
    public double Accuracy => TestPairs == 0 ? 0 : CorrectPredictions / (double)TestPairs;

    /// <summary>Gets the model as the metadata names it.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the provider as the metadata names it.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the prompt tokens, summed across the test pairs.</summary>
    public long PromptTokens { get; init; }

    /// <summary>Gets the completion tokens, summed across the test pairs.</summary>
    public long CompletionTokens { get; init; }

    /// <summary>Gets the reasoning tokens, summed across the test pairs.</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>Gets the total tokens, summed across the test pairs.</summary>
    public long TotalTokens { get; init; }

    /// <summary>Gets the cost, summed across the test pairs.</summary>
    public double Cost { get; init; }

    /// <summary>Gets the time the model took (end − start), summed across the test pairs.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Gets the job that wrote the record, when a job did.</summary>
    public string? JobId { get; init; }

    /// <summary>Gets when the record was written.</summary>
    public DateTimeOffset IngestedAt { get; init; }
}
