namespace Ingestion.HuggingFace;

/// <summary>What ingesting one generated model's submission for one puzzle should give, computed from the file written.</summary>
public sealed class GeneratedTaskExpectation
{
    internal GeneratedTaskExpectation(string taskId, GeneratedPuzzleOutcome outcome, int pairCount, IReadOnlyList<GeneratedAttemptRecord> attempts, int emptyAnswers)
    {
        TaskId = taskId;
        Outcome = outcome;
        PairCount = pairCount;
        Attempts = attempts;
        EmptyAnswers = emptyAnswers;
        var solved = new bool[pairCount];
        foreach (var attempt in attempts)
        {
            PromptTokens += attempt.PromptTokens;
            CompletionTokens += attempt.CompletionTokens;
            ReasoningTokens += attempt.ReasoningTokens;
            TotalCost += attempt.TotalCost;
            Duration += attempt.Duration;
            foreach (var prediction in attempt.Predictions)
            {
                solved[prediction.PairIndex] |= prediction.IsCorrect;
            }
        }

        SolvedPairs = solved.Count(s => s);
    }

    /// <summary>Gets the task id.</summary>
    public string TaskId { get; }

    /// <summary>Gets whether the puzzle should succeed, fail or not be found.</summary>
    public GeneratedPuzzleOutcome Outcome { get; }

    /// <summary>Gets the puzzle's number of test pairs (a written file has one element per pair).</summary>
    public int PairCount { get; }

    /// <summary>Gets the attempt records, by attempt number; empty unless <see cref="Outcome"/> is <see cref="GeneratedPuzzleOutcome.Succeeded"/>.</summary>
    public IReadOnlyList<GeneratedAttemptRecord> Attempts { get; }

    /// <summary>Gets how many test pairs some attempt answers correctly.</summary>
    public int SolvedPairs { get; }

    /// <summary>Gets the prompt tokens over the attempt records.</summary>
    public long PromptTokens { get; }

    /// <summary>Gets the completion tokens over the attempt records.</summary>
    public long CompletionTokens { get; }

    /// <summary>Gets the reasoning tokens over the attempt records.</summary>
    public long ReasoningTokens { get; }

    /// <summary>Gets the total tokens over the attempt records.</summary>
    public long TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Gets the cost over the attempt records (exact; see <see cref="GeneratedAttemptRecord.TotalCost"/>).</summary>
    public double TotalCost { get; }

    /// <summary>Gets the duration over the attempt records.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets how many answers are <c>[]</c> (for <c>results.json</c>).</summary>
    internal int EmptyAnswers { get; }
}
