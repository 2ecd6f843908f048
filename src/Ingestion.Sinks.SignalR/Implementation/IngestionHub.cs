using System.Text.Json;
using Ingestion.Core;
using Microsoft.AspNetCore.SignalR;

namespace Ingestion.Sinks.SignalR;

/// <summary>
/// The hub behind <c>MapIngestionHub</c>. A subscription joins the job's group first and takes the snapshot after, so
/// every live event after the snapshot reaches the client; the client drops live events whose seq the snapshot or
/// replay already covered (docs/protocol.md, "The SignalR hub").
/// </summary>
/// <remarks>
/// A connection is in the all-jobs group or in job groups, never both, so it never gets an event twice: SubscribeAll
/// leaves the job groups, and Subscribe on an all-jobs connection only answers with the replay.
/// </remarks>
internal sealed class IngestionHub(IJobManager manager) : Hub<IIngestionClient>
{
    internal const string AllJobsGroup = "ingestion:all";
    private const string AllJobsKey = "ingestion:all";
    private const string JobsKey = "ingestion:jobs";

    internal static string JobGroup(string jobId) => "ingestion:job:" + jobId;

    internal static string ClientMethod(JobEvent jobEvent) => jobEvent.Kind switch
    {
        JobEventKind.Snapshot => nameof(IIngestionClient.OnSnapshot),
        JobEventKind.State => nameof(IIngestionClient.OnState),
        JobEventKind.Progress => nameof(IIngestionClient.OnProgress),
        JobEventKind.Log => nameof(IIngestionClient.OnLog),
        JobEventKind.Completed => nameof(IIngestionClient.OnCompleted),
        _ => nameof(IIngestionClient.OnGap),
    };

    /// <summary>Watches one job: its snapshot and the journal after <paramref name="since"/> (pass null for all of it); live events follow.</summary>
    public async Task<JsonElement> Subscribe(string jobId, long? since)
    {
        if (string.IsNullOrWhiteSpace(jobId))
        {
            throw new HubException("jobId must not be empty.");
        }

        if (since is < 0)
        {
            throw new HubException($"since must be 0 or more (was {since}): it is the last seq you have.");
        }

        var joined = !IsAllJobs() && JoinedJobs().Add(jobId);
        if (joined)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, JobGroup(jobId), Context.ConnectionAborted).ConfigureAwait(false);
        }

        JobReplay? replay;
        try
        {
            replay = await manager.ReplayAsync(jobId, since, Context.ConnectionAborted).ConfigureAwait(false);
        }
        catch
        {
            await LeaveAsync(jobId, joined).ConfigureAwait(false);
            throw;
        }

        if (replay is null)
        {
            await LeaveAsync(jobId, joined).ConfigureAwait(false);
            throw new HubException($"No job has the id '{jobId}'.");
        }

        return Answer(replay);
    }

    /// <summary>Stops watching one job (of those subscribed with <see cref="Subscribe"/>).</summary>
    public Task Unsubscribe(string jobId) => LeaveAsync(jobId ?? string.Empty, JoinedJobs().Remove(jobId ?? string.Empty));

    /// <summary>Watches every job: the snapshots of the live ones now; live events of all jobs follow.</summary>
    public async Task<JsonElement> SubscribeAll()
    {
        if (!IsAllJobs())
        {
            Context.Items[AllJobsKey] = true;
            await Groups.AddToGroupAsync(Context.ConnectionId, AllJobsGroup, Context.ConnectionAborted).ConfigureAwait(false);
            foreach (var jobId in JoinedJobs())
            {
                await Groups.RemoveFromGroupAsync(Context.ConnectionId, JobGroup(jobId), Context.ConnectionAborted).ConfigureAwait(false);
            }

            JoinedJobs().Clear();
        }

        var now = DateTimeOffset.UtcNow;
        var snapshots = (await manager.ListLiveAsync(Context.ConnectionAborted).ConfigureAwait(false))
            .Select(job => SignalRSink.Serialize(new JobSnapshotEvent { JobId = job.Id, Seq = job.LastSeq, Timestamp = now, Job = job }))
            .ToArray();
        return JsonSerializer.SerializeToElement(snapshots);
    }

    /// <summary>Pauses a job; returns its state right after (Pausing, or Paused if it already was).</summary>
    public Task<JobState> Pause(string jobId) => RunAsync(jobId, static (m, id, ct) => m.PauseAsync(id, ct));

    /// <summary>Resumes a paused or interrupted job; returns its state right after.</summary>
    public Task<JobState> Resume(string jobId) => RunAsync(jobId, static (m, id, ct) => m.ResumeAsync(id, ct));

    /// <summary>Cancels a job; returns its state right after.</summary>
    public Task<JobState> Cancel(string jobId) => RunAsync(jobId, static (m, id, ct) => m.CancelAsync(id, ct));

    /// <summary>The answer to Subscribe, in the wire JSON: every event with its <c>type</c>.</summary>
    private static JsonElement Answer(JobReplay replay) => JsonSerializer.SerializeToElement(new
    {
        snapshot = SignalRSink.Serialize(replay.Snapshot),
        events = replay.Events.Select(SignalRSink.Serialize).ToArray(),
        fromStore = replay.FromStore,
    });

    private bool IsAllJobs() => Context.Items.ContainsKey(AllJobsKey);

    private HashSet<string> JoinedJobs()
    {
        if (Context.Items.TryGetValue(JobsKey, out var value) && value is HashSet<string> jobs)
        {
            return jobs;
        }

        jobs = new HashSet<string>(StringComparer.Ordinal);
        Context.Items[JobsKey] = jobs;
        return jobs;
    }

    private async Task LeaveAsync(string jobId, bool joined)
    {
        if (joined)
        {
            JoinedJobs().Remove(jobId);
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, JobGroup(jobId), CancellationToken.None).ConfigureAwait(false);
        }
    }

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
