using Microsoft.Extensions.Logging;

namespace Ingestion.Core;

/// <summary>The library's own log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Progress sink {Sink} failed on a {EventKind} event of job {JobId} ({Failures} failures so far); the event is skipped.")]
    public static partial void SinkFailed(ILogger logger, string sink, JobEventKind eventKind, string jobId, long failures, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Progress sink {Sink} did not drain within the shutdown time; {Queued} events were not delivered.")]
    public static partial void SinkDrainTimedOut(ILogger logger, string sink, int queued);

    [LoggerMessage(3, LogLevel.Error, "Saving job {JobId} to the job store failed.")]
    public static partial void StoreSaveFailed(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Job {JobId} ({Kind}) is {State}.")]
    public static partial void JobStateChanged(ILogger logger, string jobId, string kind, JobState state);

    [LoggerMessage(5, LogLevel.Error, "Job {JobId} ({Kind}) failed.")]
    public static partial void JobFailed(ILogger logger, string jobId, string kind, Exception exception);

    [LoggerMessage(11, LogLevel.Warning, "Job {JobId} ({Kind}) stopped and is Interrupted; it can be resumed from its last checkpoint.")]
    public static partial void JobInterruptedByBody(ILogger logger, string jobId, string kind, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Job {JobId} ({Kind}) did not stop within the shutdown grace period of {GracePeriod}; it is marked Interrupted at its last checkpoint.")]
    public static partial void JobDidNotStop(ILogger logger, string jobId, string kind, TimeSpan gracePeriod);

    [LoggerMessage(7, LogLevel.Information, "Job {JobId} ({Kind}) was live when the host last stopped; it is now Interrupted and can be resumed.")]
    public static partial void JobRecoveredAsInterrupted(ILogger logger, string jobId, string kind);

    [LoggerMessage(8, LogLevel.Warning, "Job {JobId} ({Kind}) finished after it had already been marked Interrupted at shutdown; its late outcome ({Outcome}) is ignored.")]
    public static partial void JobFinishedTooLate(ILogger logger, string jobId, string kind, string outcome);

    [LoggerMessage(9, LogLevel.Error, "Item {Item} failed; it is counted as failed and the job goes on.")]
    public static partial void ItemFailed(ILogger logger, string? item, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "A cancellation callback of job {JobId} threw; the job is cancelled all the same.")]
    public static partial void CancellationCallbackFailed(ILogger logger, string jobId, Exception? exception);
}
