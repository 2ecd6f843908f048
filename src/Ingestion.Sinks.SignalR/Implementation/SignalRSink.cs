using Ingestion.Core;
using Microsoft.AspNetCore.SignalR;

namespace Ingestion.Sinks.SignalR;

/// <summary>
/// Sends each event to its job's group and to the all-jobs group. It runs on its own bounded queue from the core
/// dispatcher, so a slow send (SignalR's per-connection backpressure) delays only this sink, never a job.
/// </summary>
internal sealed class SignalRSink(IHubContext<IngestionHub, IIngestionClient> hub) : IProgressSink
{
    private Task Emit(JobEvent jobEvent)
    {
        var clients = hub.Clients.Groups(IngestionHub.JobGroup(jobEvent.JobId), IngestionHub.AllJobsGroup);
        return jobEvent switch
        {
            JobProgressEvent progress => clients.OnProgress(progress),
            JobLogEvent log => clients.OnLog(log),
            JobStateChangedEvent state => clients.OnState(state),
            JobCompletedEvent completed => clients.OnCompleted(completed),
            JobGapEvent gap => clients.OnGap(gap),
            JobSnapshotEvent snapshot => clients.OnSnapshot(snapshot),
            _ => Task.CompletedTask,
        };
    }

    public ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken) => new(Emit(jobEvent));
}
