using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Ingestion.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Orleans;

/// <summary>
/// The cluster's <see cref="IJobManager"/>: every call about a job is a call to its grain, which Orleans routes to the
/// silo that runs it (or activates where it will run). The history comes from the store all silos share; events come
/// from this host's <see cref="ClusterEventFeed"/> (its own jobs' and, through Redis, every other silo's).
/// </summary>
internal sealed class OrleansJobManager(IServiceProvider services, JobManager local, ClusterEventFeed feed) : IJobManager
{
    // Resolved at first use: in a silo host, resolving Orleans' grain factory before the silo has started blocks.
    private IGrainFactory? _grains;

    public async ValueTask<JobSnapshot> StartAsync(string kind, JsonElement parameters, JobStartOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);

        // Checked here first, so that a bad request is refused by the host that got it, with the same errors.
        local.Validate(kind, parameters);
        var answer = ClusterJson.Read<StartAnswer>(await Grain(JobIds.New()).StartAsync(kind, parameters.GetRawText(), options?.Name).WaitAsync(cancellationToken).ConfigureAwait(false));
        return answer.Job ?? throw answer.Refusal!.ToException();
    }

    /// <summary>A delegate cannot travel to another silo: only registered kinds run on a cluster.</summary>
    public ValueTask<JobSnapshot> StartAsync(JobBody body, JobStartOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("A job body given as a delegate cannot run on an Orleans cluster: register the job's kind with AddJob and start it by kind.");

    public ValueTask<JobCommandResult> PauseAsync(string jobId, CancellationToken cancellationToken = default) => CommandAsync(jobId, "pause", cancellationToken);

    public ValueTask<JobCommandResult> ResumeAsync(string jobId, CancellationToken cancellationToken = default) => CommandAsync(jobId, "resume", cancellationToken);

    public ValueTask<JobCommandResult> CancelAsync(string jobId, CancellationToken cancellationToken = default) => CommandAsync(jobId, "cancel", cancellationToken);

    public async ValueTask<JobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (!JobIds.IsValid(jobId))
        {
            return null;
        }

        var json = await Grain(jobId).GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return json is null ? null : ClusterJson.Read<JobSnapshot>(json);
    }

    /// <summary>The jobs the store has as live, each as its grain has it now (the store's copy can be older).</summary>
    public async ValueTask<IReadOnlyList<JobSnapshot>> ListLiveAsync(CancellationToken cancellationToken = default)
    {
        var page = await local.Store.QueryAsync(new JobHistoryQuery { States = JobManager.LiveStates, Limit = JobHistoryQuery.MaxLimit }, cancellationToken).ConfigureAwait(false);
        var jobs = await Task.WhenAll(page.Items.Select(job => GetAsync(job.Id, cancellationToken).AsTask())).ConfigureAwait(false);
        return jobs.Where(job => job is not null && !job.State.IsFinal())
            .OrderBy(job => job!.CreatedAt)
            .ToArray()!;
    }

    public ValueTask<JobHistoryPage> GetHistoryAsync(JobHistoryQuery? query = null, CancellationToken cancellationToken = default) =>
        local.GetHistoryAsync(query, cancellationToken);

    public async ValueTask<JobReplay?> ReplayAsync(string jobId, long? since = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        ArgumentOutOfRangeException.ThrowIfNegative(since ?? 0, nameof(since));
        if (!JobIds.IsValid(jobId))
        {
            return null;
        }

        var json = await Grain(jobId).ReplayAsync(since).WaitAsync(cancellationToken).ConfigureAwait(false);
        return json is null ? null : ClusterJson.Read<ReplayAnswer>(json).ToReplay();
    }

    public IAsyncEnumerable<JobEvent> WatchAsync(string jobId, long? since = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        ArgumentOutOfRangeException.ThrowIfNegative(since ?? 0, nameof(since));
        return WatchCoreAsync(jobId, since, cancellationToken);
    }

    public IAsyncEnumerable<JobEvent> WatchAllAsync(CancellationToken cancellationToken = default) => WatchAllCoreAsync(cancellationToken);

    private IJobGrain Grain(string jobId) => (_grains ??= services.GetRequiredService<IGrainFactory>()).GetGrain<IJobGrain>(jobId);

    private async ValueTask<JobCommandResult> CommandAsync(string jobId, string command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (!JobIds.IsValid(jobId))
        {
            return JobCommandResult.NotFound(jobId);
        }

        var json = await Grain(jobId).CommandAsync(command).WaitAsync(cancellationToken).ConfigureAwait(false);
        return ClusterJson.Read<CommandAnswer>(json).ToResult();
    }

    // Subscribed to the feed before the replay, as Core's own manager does: every event after the replay's snapshot
    // reaches the channel; those the replay covered are skipped by their seq.
    private async IAsyncEnumerable<JobEvent> WatchCoreAsync(string jobId, long? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true });
        using var subscription = feed.Subscribe(jobId, channel.Writer);
        var replay = await ReplayAsync(jobId, since, cancellationToken).ConfigureAwait(false) ?? throw JobNotFoundException.For(jobId);
        yield return replay.Snapshot;
        var last = replay.Snapshot.Seq;
        foreach (var e in replay.Events)
        {
            yield return e;
        }

        if (replay.Snapshot.Job.State.IsFinal() || replay.FromStore)
        {
            yield break;
        }

        await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (e.Seq <= last)
            {
                continue;
            }

            last = e.Seq;
            yield return e;
            if (e is JobCompletedEvent { Summary.State: var state } && state.IsFinal())
            {
                yield break;
            }
        }
    }

    private async IAsyncEnumerable<JobEvent> WatchAllCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true });
        using var subscription = feed.Subscribe(jobId: null, channel.Writer);
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var job in await ListLiveAsync(cancellationToken).ConfigureAwait(false))
        {
            last[job.Id] = job.LastSeq;
            yield return new JobSnapshotEvent { JobId = job.Id, Seq = job.LastSeq, Timestamp = DateTimeOffset.UtcNow, Job = job };
        }

        await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (last.TryGetValue(e.JobId, out var seen) && e.Seq <= seen && e is not JobSnapshotEvent)
            {
                continue;
            }

            last[e.JobId] = Math.Max(seen, e.Seq);
            yield return e;
        }
    }
}
