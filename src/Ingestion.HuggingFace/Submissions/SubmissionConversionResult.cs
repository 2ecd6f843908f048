namespace Ingestion.HuggingFace;

/// <summary>What <see cref="SubmissionConverter"/> wrote: how many tasks and rows, and which task files it left out.</summary>
public sealed class SubmissionConversionResult
{
    internal SubmissionConversionResult(int tasks, long rows, IReadOnlyList<SubmissionConversionFailure> failures)
    {
        Tasks = tasks;
        Rows = rows;
        Failures = failures;
    }

    /// <summary>Gets the number of task files converted (the failures not counted).</summary>
    public int Tasks { get; }

    /// <summary>Gets the number of rows written: one per attempt at a test pair.</summary>
    public long Rows { get; }

    /// <summary>Gets the task files that did not read and are not in the output, in task id order.</summary>
    public IReadOnlyList<SubmissionConversionFailure> Failures { get; }
}
