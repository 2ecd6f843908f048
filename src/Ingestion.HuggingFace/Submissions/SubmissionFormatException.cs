namespace Ingestion.HuggingFace;

/// <summary>
/// A submission file is malformed or truncated (not JSON, not the arcprize layout, a Parquet file that does not read).
/// The pipeline fails that puzzle with this message and goes on, unless it was asked to stop on error.
/// </summary>
public sealed class SubmissionFormatException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SubmissionFormatException"/> class.</summary>
    public SubmissionFormatException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SubmissionFormatException"/> class.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public SubmissionFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SubmissionFormatException"/> class.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The parser's error.</param>
    public SubmissionFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
