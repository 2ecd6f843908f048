namespace Ingestion.HuggingFace;

/// <summary>
/// What a first ingestion run over one generated model folder, asked for the whole puzzle set, should report: counted
/// from the files as written, not from the profile's probabilities.
/// </summary>
public sealed class GeneratedModelExpectation
{
    private readonly Dictionary<string, GeneratedTaskExpectation> _byTaskId;

    internal GeneratedModelExpectation(string folder, string model, IReadOnlyList<GeneratedTaskExpectation> tasks, int attemptNumbers)
    {
        Folder = folder;
        Model = model;
        Tasks = tasks;
        _byTaskId = new Dictionary<string, GeneratedTaskExpectation>(tasks.Count, StringComparer.Ordinal);
        var attempts = new GeneratedAttemptExpectation[attemptNumbers];
        for (var n = 0; n < attempts.Length; n++)
        {
            attempts[n] = new GeneratedAttemptExpectation(n + 1);
        }

        foreach (var task in tasks)
        {
            _byTaskId.Add(task.TaskId, task);
            switch (task.Outcome)
            {
                case GeneratedPuzzleOutcome.Succeeded:
                    Succeeded++;
                    TotalPairs += task.PairCount;
                    SolvedPairs += task.SolvedPairs;
                    break;
                case GeneratedPuzzleOutcome.Failed:
                    Failed++;
                    break;
                default:
                    NotFound++;
                    break;
            }

            foreach (var record in task.Attempts)
            {
                attempts[record.AttemptNumber - 1].Add(record, task.PairCount);
                AttemptsSaved++;
                Predictions += record.Predictions.Count;
                CorrectPredictions += record.CorrectPredictions;
                ValidationErrors += record.ValidationErrors;
            }

            PromptTokens += task.PromptTokens;
            CompletionTokens += task.CompletionTokens;
            ReasoningTokens += task.ReasoningTokens;
            TotalCost += task.TotalCost;
            Duration += task.Duration;
        }

        Attempts = attempts;
    }

    /// <summary>Gets the model folder.</summary>
    public string Folder { get; }

    /// <summary>Gets the model name written in the metadata.</summary>
    public string Model { get; }

    /// <summary>Gets the number of puzzles in the set (succeeded + failed + not found; none is skipped on a first run).</summary>
    public int Puzzles => Tasks.Count;

    /// <summary>Gets the puzzles whose file is read and saves at least one attempt record.</summary>
    public int Succeeded { get; }

    /// <summary>Gets the puzzles whose file is malformed.</summary>
    public int Failed { get; }

    /// <summary>Gets the puzzles with no file.</summary>
    public int NotFound { get; }

    /// <summary>Gets the attempt records saved: one per puzzle and attempt number present.</summary>
    public long AttemptsSaved { get; }

    /// <summary>Gets the predictions: one per test pair and attempt present and not <c>null</c>, in files that are read.</summary>
    public long Predictions { get; }

    /// <summary>Gets the predictions whose answer is a valid grid equal to the expected output.</summary>
    public long CorrectPredictions { get; }

    /// <summary>Gets the predictions whose answer is not a valid grid (they are not correct either).</summary>
    public long ValidationErrors { get; }

    /// <summary>Gets the figures per attempt number (entry <c>n − 1</c> is attempt <c>n</c>), the accuracy among them.</summary>
    public IReadOnlyList<GeneratedAttemptExpectation> Attempts { get; }

    /// <summary>Gets the test pairs of succeeded puzzles that some attempt answers correctly (pass@2 with two attempts).</summary>
    public long SolvedPairs { get; }

    /// <summary>Gets the test pairs of succeeded puzzles.</summary>
    public long TotalPairs { get; }

    /// <summary>Gets <see cref="SolvedPairs"/> / <see cref="TotalPairs"/>, or 0 when there are no pairs.</summary>
    public double PassRate => TotalPairs == 0 ? 0 : (double)SolvedPairs / TotalPairs;

    /// <summary>Gets the prompt tokens over the saved attempts.</summary>
    public long PromptTokens { get; }

    /// <summary>Gets the completion tokens over the saved attempts.</summary>
    public long CompletionTokens { get; }

    /// <summary>Gets the reasoning tokens over the saved attempts.</summary>
    public long ReasoningTokens { get; }

    /// <summary>Gets the total tokens over the saved attempts.</summary>
    public long TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Gets the cost over the saved attempts; exact in any summation order (every cost is a whole multiple of 2⁻²⁴ dollars).</summary>
    public double TotalCost { get; }

    /// <summary>Gets the sum of end − start over the saved attempts.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets every puzzle's expectation, in the order of <see cref="GeneratedDataset.TaskIds"/>.</summary>
    public IReadOnlyList<GeneratedTaskExpectation> Tasks { get; }

    /// <summary>Gets one puzzle's expectation.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The expectation.</returns>
    /// <exception cref="KeyNotFoundException">The task is not in the set.</exception>
    public GeneratedTaskExpectation GetTask(string taskId)
        => _byTaskId.TryGetValue(taskId, out var task) ? task : throw new KeyNotFoundException($"Task '{taskId}' is not in the generated set.");
}
