using Ingestion.Core;
using Microsoft.AspNetCore.SignalR;

namespace Ingestion.Sinks.SignalR;

/// <summary>
/// The hub behind <c>MapIngestionHub</c>. A subscription joins the job's group first and takes the snapshot after, so
/// every live event after the snapshot reaches the client; the client drops live events whose seq the snapshot or
/// replay already covered (docs/protocol.md, "SignalR").
/// </summary>
internal sealed class IngestionHub(IJobManager manager) : Hub<IIngestionClient>
{
    internal const string AllJobsGroup = "ingestion:all";

    internal static string JobGroup(string jobId) => "ingestion:job:" + jobId;

    /// <summary>Watches one job: its snapshot and the journal after <paramref name="since"/>; live events follow.</summary>
    public async Task<JobReplay> Subscribe(string jobId, long? since = null)
    {
        if (string.IsNullOrWhiteSpace(jobId))
        {
            throw new HubException("jobId must not be empty.");
        }

        if (since is < 0)
        {
            throw new HubException($"since must be 0 or more (was {since}): it is the last seq you have.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, JobGroup(jobId), Context.ConnectionAborted).ConfigureAwait(false);
        var replay = await manager.ReplayAsync(jobId, since, Context.ConnectionAborted).ConfigureAwait(false);
        if (replay is null)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, JobGroup(jobId), Context.ConnectionAborted).ConfigureAwait(false);
            throw new HubException($"No job has the id '{jobId}'.");
        }

        if (since > replay.Snapshot.Seq)
        {
            // The client has seen more than the job has now: its since means nothing here.
            replay = await manager.ReplayAsync(jobId, null, Context.ConnectionAborted).ConfigureAwait(false) ?? replay;
        }

        return replay;
    }

    /// <summary>Stops watching one job.</summary>
    public Task Unsubscribe(string jobId)
        => Groups.RemoveFromGroupAsync(Context.ConnectionId, JobGroup(jobId ?? string.Empty), Context.ConnectionAborted);

    /// <summary>Watches every job: the snapshots of the live ones now; live events of all jobs follow.</summary>
    public async Task<IReadOnlyList<JobSnapshotEvent>> SubscribeAll()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, AllJobsGroup, Context.ConnectionAborted).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        return (await manager.ListLiveAsync(Context.ConnectionAborted).ConfigureAwait(false))
            .Select(job => new JobSnapshotEvent { JobId = job.Id, Seq = job.LastSeq, Timestamp = now, Job = job })
            .ToArray();
    }

    /// <summary>Pauses a job; returns its state right after (Pausing, or Paused if it already was).</summary>
    public Task<JobState> Pause(string jobId) => RunAsync(jobId, static (m, id, ct) => m.PauseAsync(id, ct));

    /// <summary>Resumes a paused or interrupted job; returns its state right after.</summary>
    public Task<JobState> Resume(string jobId) => RunAsync(jobId, static (m, id, ct) => m.ResumeAsync(id, ct));

    /// <summary>Cancels a job; returns its state right after.</summary>
    public Task<JobState> Cancel(string jobId) => RunAsync(jobId, static (m, id, ct) => m.CancelAsync(id, ct));

    private async Task<JobState> RunAsync(string jobId, Func<IJobManager, string, CancellationToken, ValueTask<JobCommandResult>> command)
    {
        if (string.IsNullOrWhiteSpace(jobId))
        {
            throw new HubException("jobId must not be empty.");
        }

        var result = await command(manager, jobId, Context.ConnectionAborted).ConfigureAwait(false);
        return result.Status switch
        {
            JobCommandStatus.NotFound => throw new HubException($"No job has the id '{jobId}'."),
            JobCommandStatus.InvalidTransition => throw new HubException(result.Message),
            _ => result.State ?? throw new HubException(result.Message),
        };
    }
}
