using Ingestion.Core;

namespace Ingestion.Sinks.SignalR;

/// <summary>
/// What the ingestion hub calls on its clients: one method per event kind, with the same shapes as the progress
/// WebSocket's messages (docs/protocol.md). A JavaScript client listens with <c>connection.on("OnProgress", e => …)</c>.
/// </summary>
public interface IIngestionClient
{
    /// <summary>A job's snapshot: sent to all-jobs subscribers when a job they have not seen starts.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <returns>A task that completes when the message is sent.</returns>
    Task OnSnapshot(JobSnapshotEvent snapshot);

    /// <summary>A state change.</summary>
    /// <param name="state">The event.</param>
    /// <returns>A task that completes when the message is sent.</returns>
    Task OnState(JobStateChangedEvent state);

    /// <summary>A progress sample.</summary>
    /// <param name="progress">The event.</param>
    /// <returns>A task that completes when the message is sent.</returns>
    Task OnProgress(JobProgressEvent progress);

    /// <summary>A log line of the job body.</summary>
    /// <param name="log">The event.</param>
    /// <returns>A task that completes when the message is sent.</returns>
    Task OnLog(JobLogEvent log);

    /// <summary>The end of a run, with its summary.</summary>
    /// <param name="completed">The event.</param>
    /// <returns>A task that completes when the message is sent.</returns>
    Task OnCompleted(JobCompletedEvent completed);

    /// <summary>Events that were dropped before they reached this client (call <c>Subscribe(jobId, lastSeq)</c> to catch up).</summary>
    /// <param name="gap">The event.</param>
    /// <returns>A task that completes when the message is sent.</returns>
    Task OnGap(JobGapEvent gap);
}
