namespace Ingestion.HuggingFace;

/// <summary>What ingesting one generated model should give for one attempt number, over the puzzles that succeed.</summary>
public sealed class GeneratedAttemptExpectation
{
    internal GeneratedAttemptExpectation(int attemptNumber)
    {
        AttemptNumber = attemptNumber;
    }

    /// <summary>Gets the attempt number, from 1.</summary>
    public int AttemptNumber { get; }

    /// <summary>Gets how many puzzles have a record for this attempt number (it is present and not <c>null</c> in at least one test pair).</summary>
    public int Records { get; private set; }

    /// <summary>Gets the test pairs of those puzzles: the denominator of <see cref="Accuracy"/>.</summary>
    public long Pairs { get; private set; }

    /// <summary>Gets the predictions of this attempt number.</summary>
    public long Predictions { get; private set; }

    /// <summary>Gets the correct predictions of this attempt number.</summary>
    public long CorrectPredictions { get; private set; }

    /// <summary>Gets the predictions of this attempt number whose answer is not a valid grid.</summary>
    public long ValidationErrors { get; private set; }

    /// <summary>Gets <see cref="CorrectPredictions"/> / <see cref="Pairs"/>, or 0 when there are no pairs.</summary>
    public double Accuracy => Pairs == 0 ? 0 : (double)CorrectPredictions / Pairs;

    internal void Add(GeneratedAttemptRecord record, int pairCount)
    {
        Records++;
        Pairs += pairCount;
        Predictions += record.Predictions.Count;
        CorrectPredictions += record.CorrectPredictions;
        ValidationErrors += record.ValidationErrors;
    }
}
