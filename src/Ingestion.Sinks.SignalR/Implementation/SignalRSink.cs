using System.Text.Json;
using Ingestion.AspNetCore;
using Ingestion.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ingestion.Sinks.SignalR;

/// <summary>
/// Sends each event to its job's group and to the all-jobs group. It runs on its own bounded queue from the core
/// dispatcher, so a slow send (SignalR's per-connection backpressure) delays only this sink, never a job.
/// </summary>
/// <remarks>
/// An event is serialized once, as a <see cref="JobEvent"/> with the wire options, so its JSON is the WebSocket's,
/// <c>type</c> included, and every connection gets the same bytes. A job's first state event is preceded, for all-jobs
/// subscribers, by the job's snapshot. A send that fails (the backplane is down, say) is remembered and told to the
/// job's subscribers as a gap with the next send that works.
/// </remarks>
internal sealed class SignalRSink(IHubContext<IngestionHub> hub, IServiceProvider services, ILogger<SignalRSink> logger) : IProgressSink
{
    private readonly Dictionary<string, (long From, long To)> _failed = new(StringComparer.Ordinal);

    public async ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
    {
        var clients = hub.Clients.Groups(IngestionHub.JobGroup(jobEvent.JobId), IngestionHub.AllJobsGroup);
        try
        {
            if (_failed.Remove(jobEvent.JobId, out var lost))
            {
                var gap = new JobGapEvent { JobId = jobEvent.JobId, Seq = lost.To, Timestamp = jobEvent.Timestamp, FromSeq = lost.From, ToSeq = lost.To, Dropped = null };
                await clients.SendAsync(IngestionHub.ClientMethod(gap), Serialize(gap), cancellationToken).ConfigureAwait(false);
            }

            if (jobEvent is JobStateChangedEvent { PreviousState: null } && await SnapshotAsync(jobEvent.JobId, cancellationToken).ConfigureAwait(false) is { } snapshot)
            {
                // A new job: all-jobs subscribers learn what it is before its first event.
                await hub.Clients.Group(IngestionHub.AllJobsGroup).SendAsync(IngestionHub.ClientMethod(snapshot), Serialize(snapshot), cancellationToken).ConfigureAwait(false);
            }

            await clients.SendAsync(IngestionHub.ClientMethod(jobEvent), Serialize(jobEvent), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var seq = jobEvent is JobGapEvent g ? g.ToSeq : jobEvent.Seq;
            var from = jobEvent is JobGapEvent g2 ? g2.FromSeq : jobEvent.Seq;
            _failed[jobEvent.JobId] = _failed.TryGetValue(jobEvent.JobId, out var known) ? (Math.Min(known.From, from), seq) : (from, seq);
            throw; // the dispatcher logs and counts it
        }
    }

    internal static JsonElement Serialize(JobEvent jobEvent) => JsonSerializer.SerializeToElement(jobEvent, IngestionWireJson.Options);

    private async Task<JobSnapshotEvent?> SnapshotAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            // Resolved late: the manager depends on the sinks.
            var job = await services.GetRequiredService<IJobManager>().GetAsync(jobId, cancellationToken).ConfigureAwait(false);
            return job is null ? null : new JobSnapshotEvent { JobId = job.Id, Seq = job.LastSeq, Timestamp = DateTimeOffset.UtcNow, Job = job };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SignalRLog.NoSnapshot(logger, jobId, ex);
            return null;
        }
    }
}

/// <summary>The SignalR sink's log messages.</summary>
internal static partial class SignalRLog
{
    [LoggerMessage(201, LogLevel.Debug, "No snapshot of new job {JobId} for all-jobs subscribers.")]
    public static partial void NoSnapshot(ILogger logger, string jobId, Exception exception);
}
