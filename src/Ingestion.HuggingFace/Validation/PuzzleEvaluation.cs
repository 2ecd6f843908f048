namespace Ingestion.HuggingFace;

/// <summary>
/// A model's submission for one puzzle, checked against the puzzle: one <see cref="ExplanationRecord"/> per attempt
/// number, with the counts the ingestion adds up.
/// </summary>
public sealed class PuzzleEvaluation
{
    internal PuzzleEvaluation(string puzzleId, int testPairs, IReadOnlyList<ExplanationRecord> records, int solvedPairs)
    {
        PuzzleId = puzzleId;
        TestPairs = testPairs;
        Records = records;
        SolvedPairs = solvedPairs;
        foreach (var record in records)
        {
            Predictions += record.Predictions.Count;
            foreach (var prediction in record.Predictions)
            {
                if (prediction.IsCorrect)
                {
                    CorrectPredictions++;
                }
                else if (prediction.ValidationError is not null)
                {
                    ValidationErrors++;
                }
            }
        }
    }

    /// <summary>Gets the puzzle id.</summary>
    public string PuzzleId { get; }

    /// <summary>Gets the puzzle's number of test pairs.</summary>
    public int TestPairs { get; }

    /// <summary>Gets one record per attempt number the submission has, by attempt number.</summary>
    public IReadOnlyList<ExplanationRecord> Records { get; }

    /// <summary>Gets the number of predictions (test pair × attempt) the submission has.</summary>
    public int Predictions { get; }

    /// <summary>Gets the number of predictions equal to the expected output.</summary>
    public int CorrectPredictions { get; }

    /// <summary>Gets the number of predictions that are not a valid grid, or that answer a test pair the puzzle does not have.</summary>
    public int ValidationErrors { get; }

    /// <summary>Gets the number of test pairs that attempt 1 or attempt 2 predicted correctly (pass@2).</summary>
    public int SolvedPairs { get; }
}

/// <summary>Checks a submission against its puzzle (correct = same size and every cell equal).</summary>
public static class PuzzleEvaluator
{
    /// <summary>
    /// Groups the submission's predictions by attempt number across test pairs (sorted by pair index) and checks each
    /// against the expected output. Each attempt number becomes one record named <c>{modelFolder}-attempt{n}</c>; its
    /// tokens, cost and duration are summed across the pairs. A pair the attempt did not answer counts against its
    /// accuracy; a second prediction for the same pair and attempt is ignored.
    /// </summary>
    /// <param name="task">The puzzle.</param>
    /// <param name="submission">The model's submission for it.</param>
    /// <param name="modelFolder">The dataset's model folder.</param>
    /// <param name="dataset">The dataset, for the records.</param>
    /// <param name="source">The task set, for the records.</param>
    /// <param name="ingestedAt">When the records are written.</param>
    /// <param name="jobId">The job writing them, if any.</param>
    /// <returns>The evaluation.</returns>
    public static PuzzleEvaluation Evaluate(ArcTask task, TaskSubmission submission, string modelFolder, string dataset, string source, DateTimeOffset ingestedAt, string? jobId = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentException.ThrowIfNullOrEmpty(modelFolder);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(source);

        var byAttempt = new SortedDictionary<int, List<SubmissionAttempt>>();
        foreach (var attempt in submission.Attempts)
        {
            if (!byAttempt.TryGetValue(attempt.AttemptNumber, out var list))
            {
                byAttempt[attempt.AttemptNumber] = list = [];
            }

            list.Add(attempt);
        }

        var solved = new bool[task.Test.Count];
        var records = new List<ExplanationRecord>(byAttempt.Count);
        foreach (var (number, attempts) in byAttempt)
        {
            var ordered = attempts.OrderBy(static a => a.PairIndex); // stable: of two predictions for one pair, the first read is kept
            var predictions = new List<PredictionResult>(attempts.Count);
            long promptTokens = 0, completionTokens = 0, reasoningTokens = 0, totalTokens = 0;
            double cost = 0;
            var duration = TimeSpan.Zero;
            string? model = null, provider = null;
            int? previousPair = null;
            foreach (var attempt in ordered)
            {
                if (attempt.PairIndex == previousPair)
                {
                    continue;
                }

                previousPair = attempt.PairIndex;
                predictions.Add(Check(task, attempt, number <= 2 ? solved : null));
                promptTokens += attempt.PromptTokens ?? 0;
                completionTokens += attempt.CompletionTokens ?? 0;
                reasoningTokens += attempt.ReasoningTokens ?? 0;
                totalTokens += attempt.TotalTokens ?? 0;
                cost += attempt.TotalCost ?? 0;
                duration += attempt.Duration ?? TimeSpan.Zero;
                model ??= attempt.Model;
                provider ??= attempt.Provider;
            }

            records.Add(new ExplanationRecord
            {
                PuzzleId = task.Id,
                ModelName = ModelName(modelFolder, number),
                ModelFolder = modelFolder,
                AttemptNumber = number,
                Dataset = dataset,
                Source = source,
                TestPairs = task.Test.Count,
                Predictions = predictions,
                Model = model,
                Provider = provider,
                PromptTokens = promptTokens,
                CompletionTokens = completionTokens,
                ReasoningTokens = reasoningTokens,
                TotalTokens = totalTokens,
                Cost = cost,
                Duration = duration,
                JobId = jobId,
                IngestedAt = ingestedAt,
            });
        }

        return new PuzzleEvaluation(task.Id, task.Test.Count, records, records.Count == 0 ? 0 : solved.Count(static s => s));
    }

    /// <summary>Names the record of an attempt: <c>{modelFolder}-attempt{n}</c>.</summary>
    /// <param name="modelFolder">The model folder.</param>
    /// <param name="attemptNumber">The attempt number, from 1.</param>
    /// <returns>The model name.</returns>
    public static string ModelName(string modelFolder, int attemptNumber)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{modelFolder}-attempt{attemptNumber}");

    private static PredictionResult Check(ArcTask task, SubmissionAttempt attempt, bool[]? solved)
    {
        string? error = attempt.AnswerError;
        var correct = false;
        if (attempt.PairIndex < 0 || attempt.PairIndex >= task.Test.Count)
        {
            error = $"The puzzle has no test pair {attempt.PairIndex} (it has {task.Test.Count}).";
        }
        else if (attempt.Answer is not null)
        {
            var expected = task.Test[attempt.PairIndex].Output;
            if (expected is null)
            {
                error = $"The puzzle's expected output for test pair {attempt.PairIndex} is not known.";
            }
            else
            {
                correct = expected.Equals(attempt.Answer);
                if (correct && solved is not null)
                {
                    solved[attempt.PairIndex] = true;
                }
            }
        }

        return new PredictionResult
        {
            PairIndex = attempt.PairIndex,
            Predicted = attempt.Answer,
            IsCorrect = correct,
            ValidationError = error,
            UserPrompt = attempt.UserPrompt,
            AssistantContent = attempt.AssistantContent,
            ReasoningSummary = attempt.ReasoningSummary,
            RawJson = attempt.RawJson,
        };
    }
}
