using Ingestion.HuggingFace;

namespace Ingestion.TestUtilities;

/// <summary>A small explanation record, for the store tests beyond the contract (reopening, rollback, restarts).</summary>
public static class SampleRecords
{
    /// <summary>When <see cref="Record"/>'s records were ingested.</summary>
    public static readonly DateTimeOffset IngestedAt = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Attempt 1 of <c>model-x</c> (model name <c>model-x-attempt1</c>) at a puzzle: one correct 2×2 prediction, written by <c>job-1</c>.</summary>
    public static ExplanationRecord Record(string puzzleId) => new()
    {
        PuzzleId = puzzleId,
        ModelName = "model-x-attempt1",
        ModelFolder = "model-x",
        AttemptNumber = 1,
        Dataset = "d",
        Source = "ARC1-Eval",
        TestPairs = 1,
        Predictions = [new PredictionResult { PairIndex = 0, Predicted = ArcGrid.Create([[1, 2], [3, 4]]), IsCorrect = true }],
        JobId = "job-1",
        IngestedAt = IngestedAt,
    };
}
