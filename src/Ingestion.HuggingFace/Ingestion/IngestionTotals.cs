using System.Text.Json;
using System.Text.Json.Serialization;
using Ingestion.Core;

namespace Ingestion.HuggingFace;

/// <summary>
/// The running totals of an ingestion, saved in its checkpoint with the records they count, so a resumed job goes on
/// from exactly where the repository is. Counter names are those of the progress reporter.
/// </summary>
internal sealed class IngestionTotals
{
    public const string NotFoundCounter = "NotFound";
    public const string AttemptsSavedCounter = "AttemptsSaved";
    public const string AttemptsSkippedCounter = "AttemptsSkipped";
    public const string PredictionsCounter = "Predictions";
    public const string PredictionsCorrectCounter = "PredictionsCorrect";
    public const string ValidationErrorsCounter = "ValidationErrors";

    public long Succeeded { get; set; }

    public long Failed { get; set; }

    public long Skipped { get; set; }

    public long NotFound { get; set; }

    public long AttemptsSaved { get; set; }

    public long AttemptsSkipped { get; set; }

    public long Predictions { get; set; }

    public long PredictionsCorrect { get; set; }

    public long ValidationErrors { get; set; }

    /// <summary>Per attempt number: the test pairs of puzzles that have a record of that attempt, and how many it got right.</summary>
    public SortedDictionary<int, AttemptTotals> Attempts { get; set; } = [];

    /// <summary>Test pairs of evaluated puzzles.</summary>
    public long TestPairs { get; set; }

    /// <summary>Test pairs solved by attempt 1 or 2.</summary>
    public long SolvedPairs { get; set; }

    public long PromptTokens { get; set; }

    public long CompletionTokens { get; set; }

    public long ReasoningTokens { get; set; }

    public long TotalTokens { get; set; }

    public double Cost { get; set; }

    public long DurationTicks { get; set; }

    /// <summary>Items beyond the run's puzzles: rows of puzzles the set does not have, and files of rows that broke.</summary>
    public long ExtraItems { get; set; }

    /// <summary>Puzzles of the run that files of rows had rows of (the rest are not found).</summary>
    public long SelectedSeen { get; set; }

    public long Puzzles => Succeeded + Failed + Skipped + NotFound;

    public void Add(PuzzleEvaluation evaluation)
    {
        Predictions += evaluation.Predictions;
        PredictionsCorrect += evaluation.CorrectPredictions;
        ValidationErrors += evaluation.ValidationErrors;
        TestPairs += evaluation.TestPairs;
        SolvedPairs += evaluation.SolvedPairs;
        foreach (var record in evaluation.Records)
        {
            if (!Attempts.TryGetValue(record.AttemptNumber, out var attempt))
            {
                Attempts[record.AttemptNumber] = attempt = new AttemptTotals();
            }

            attempt.TestPairs += record.TestPairs;
            attempt.Correct += record.CorrectPredictions;
            PromptTokens += record.PromptTokens;
            CompletionTokens += record.CompletionTokens;
            ReasoningTokens += record.ReasoningTokens;
            TotalTokens += record.TotalTokens;
            Cost += record.Cost;
            DurationTicks += record.Duration.Ticks;
        }
    }

    public IngestionTotals Clone()
    {
        var copy = (IngestionTotals)MemberwiseClone();
        copy.Attempts = new SortedDictionary<int, AttemptTotals>(Attempts.ToDictionary(static p => p.Key, static p => new AttemptTotals { TestPairs = p.Value.TestPairs, Correct = p.Value.Correct }));
        return copy;
    }

    /// <summary>Brings the reporter's counters up to these totals (a resumed run's reporter holds what the store last saw, never more).</summary>
    public void CatchUp(ProgressReporter progress)
    {
        Raise(Succeeded - progress.Succeeded, progress.IncrementSucceeded);
        Raise(Failed - progress.Failed, progress.IncrementFailed);
        Raise(Skipped - progress.Skipped, progress.IncrementSkipped);
        RaiseCounter(progress, NotFoundCounter, NotFound);
        RaiseCounter(progress, AttemptsSavedCounter, AttemptsSaved);
        RaiseCounter(progress, AttemptsSkippedCounter, AttemptsSkipped);
        RaiseCounter(progress, PredictionsCounter, Predictions);
        RaiseCounter(progress, PredictionsCorrectCounter, PredictionsCorrect);
        RaiseCounter(progress, ValidationErrorsCounter, ValidationErrors);

        // The not-found puzzles are "processed" items of the reporter; bring those up too.
        var processed = Succeeded + Failed + Skipped + NotFound;
        Raise(processed - progress.Processed, progress.IncrementProcessed);
    }

    /// <summary>The summary of the run: per-attempt accuracy, pass@2, tokens, cost, duration.</summary>
    public IEnumerable<KeyValuePair<string, double>> Results()
    {
        foreach (var (number, attempt) in Attempts)
        {
            yield return new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"attempt{number}Accuracy"), attempt.TestPairs == 0 ? 0 : attempt.Correct / (double)attempt.TestPairs);
        }

        yield return new("passAt2", TestPairs == 0 ? 0 : SolvedPairs / (double)TestPairs);
        yield return new("solvedPairs", SolvedPairs);
        yield return new("testPairs", TestPairs);
        yield return new("promptTokens", PromptTokens);
        yield return new("completionTokens", CompletionTokens);
        yield return new("reasoningTokens", ReasoningTokens);
        yield return new("totalTokens", TotalTokens);
        yield return new("cost", Cost);
        yield return new("durationSeconds", TimeSpan.FromTicks(DurationTicks).TotalSeconds);
    }

    private static void Raise(long delta, Action<long> increment)
    {
        if (delta > 0)
        {
            increment(delta);
        }
    }

    private static void RaiseCounter(ProgressReporter progress, string name, long target)
    {
        var counter = progress.GetCounter(name);
        if (target > counter.Value)
        {
            counter.Increment(target - counter.Value);
        }
    }

    internal sealed class AttemptTotals
    {
        public long TestPairs { get; set; }

        public long Correct { get; set; }
    }
}

/// <summary>An ingestion's checkpoint: where it is in its puzzle sequence, and its totals up to there.</summary>
internal sealed class IngestionCheckpoint
{
    public int Version { get; set; } = 1;

    public string Dataset { get; set; } = "";

    public string ModelFolder { get; set; } = "";

    /// <summary>How many puzzles of the sequence are done (the next one to do is at this index).</summary>
    public long Position { get; set; }

    public string? LastPuzzleId { get; set; }

    /// <summary>Files of rows: the file the run is in, and how many of its tasks are done.</summary>
    public int FileIndex { get; set; }

    public int TasksInFile { get; set; }

    /// <summary>Files of rows: whether the puzzles without rows have been counted.</summary>
    public bool TailDone { get; set; }

    public IngestionTotals Totals { get; set; } = new();

    public string Serialize() => JsonSerializer.Serialize(this, CheckpointJsonContext.Default.IngestionCheckpoint);

    public static IngestionCheckpoint? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            var checkpoint = JsonSerializer.Deserialize(text, CheckpointJsonContext.Default.IngestionCheckpoint);
            return checkpoint is { Version: 1, Totals: not null } ? checkpoint : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The checkpoint's JSON, generated at build time: it is written once per puzzle.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IngestionCheckpoint))]
internal sealed partial class CheckpointJsonContext : JsonSerializerContext;
