namespace Ingestion.HuggingFace;

/// <summary>One generated prediction: an attempt at one test pair that the file holds (present and not <c>null</c>).</summary>
public sealed class GeneratedPrediction
{
    internal GeneratedPrediction(int pairIndex, int attemptNumber, bool isValid, bool isCorrect)
    {
        PairIndex = pairIndex;
        AttemptNumber = attemptNumber;
        IsValid = isValid;
        IsCorrect = isCorrect;
    }

    /// <summary>Gets the test pair, from 0.</summary>
    public int PairIndex { get; }

    /// <summary>Gets the attempt number, from 1.</summary>
    public int AttemptNumber { get; }

    /// <summary>Gets whether the answer is a valid grid; when not, it is a validation error.</summary>
    public bool IsValid { get; }

    /// <summary>Gets whether the answer equals the expected output (same size, every cell equal).</summary>
    public bool IsCorrect { get; }
}
