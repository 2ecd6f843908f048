using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ingestion.Core;

/// <summary>
/// The in-process <see cref="IJobManager"/>: runs job bodies on the thread pool, at most
/// <see cref="IngestionOptions.MaxConcurrentJobs"/> at once, and feeds their events to sinks and watchers.
/// </summary>
/// <remarks>
/// With DI, <c>services.AddIngestion()</c> registers it (and a hosted service that stops it with the host). Without
/// DI, create it with the public constructor, and call <see cref="ShutdownAsync"/> (or dispose it) when done.
/// </remarks>
public sealed class JobManager : IJobManager, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan SinkDrainTime = TimeSpan.FromSeconds(2);
    /// <summary>The states of a job some host runs (or is about to): what start-up recovery and a cluster's supervisor look for.</summary>
    internal static readonly JobState[] LiveStates = [JobState.Queued, JobState.Running, JobState.Pausing, JobState.Paused];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, JobRun> _live = new(StringComparer.Ordinal);
    private readonly Queue<JobRun> _queue = new();
    private readonly Dictionary<string, JobRun> _retained = new(StringComparer.Ordinal);

    // Interrupted runs in memory (loaded from the store, or interrupted by this manager's shutdown): one object per job,
    // so that a resume and a cancel of it agree on who won. Not subject to RetainedFinishedJobs.
    private readonly Dictionary<string, JobRun> _interrupted = new(StringComparer.Ordinal);
    private readonly Queue<JobRun> _retainedOrder = new();
    private readonly List<EventQueue> _allSubscribers = [];
    private readonly Dictionary<string, JobRegistration> _registrations;
    private readonly ILoggerFactory _loggerFactory;
    private int _running;
    private int _pendingStarts;
    private TaskCompletionSource? _pendingStartsDrained;
    private long _finishedProcessed;
    private Task? _shutdown;

    /// <summary>Creates a manager without DI.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="sinks">Where events go; none by default.</param>
    /// <param name="store">Where jobs are persisted; in memory by default.</param>
    /// <param name="jobs">The kinds that can be started by name and resumed; none by default.</param>
    /// <param name="loggerFactory">Logging; none by default.</param>
    /// <param name="timeProvider">The clock; the system clock by default.</param>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists every problem.</exception>
    public JobManager(
        IngestionOptions options,
        IEnumerable<IProgressSink>? sinks = null,
        IJobStore? store = null,
        IEnumerable<JobRegistration>? jobs = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
        : this(options, sinks, store, jobs, loggerFactory, timeProvider, services: null, meterFactory: null)
    {
    }

    internal JobManager(
        IngestionOptions options,
        IEnumerable<IProgressSink>? sinks,
        IJobStore? store,
        IEnumerable<JobRegistration>? jobs,
        ILoggerFactory? loggerFactory,
        TimeProvider? timeProvider,
        IServiceProvider? services,
        IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(string.Empty, typeof(IngestionOptions), errors);
        }

        Options = options.Clone();
        Store = store ?? new InMemoryJobStore();
        TimeProvider = timeProvider ?? TimeProvider.System;
        Services = services ?? EmptyServiceProvider.Instance;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = _loggerFactory.CreateLogger("Ingestion.Core.JobManager");
        _registrations = new Dictionary<string, JobRegistration>(StringComparer.Ordinal);
        foreach (var registration in jobs ?? [])
        {
            if (!_registrations.TryAdd(registration.Kind, registration))
            {
                throw new ArgumentException($"The job kind '{registration.Kind}' is registered twice.", nameof(jobs));
            }
        }

        Metrics = new IngestionMetrics(meterFactory, MeasureLiveJobs, MeasureItemsProcessed);
        Dispatcher = new SinkDispatcher(sinks ?? [], Options.QueueCapacity, _loggerFactory.CreateLogger("Ingestion.Core.Sinks"), TimeProvider, Metrics);
    }

    internal IngestionOptions Options { get; }

    internal IJobStore Store { get; }

    internal TimeProvider TimeProvider { get; }

    internal IServiceProvider Services { get; }

    internal ILogger Logger { get; }

    internal IngestionMetrics Metrics { get; }

    internal SinkDispatcher Dispatcher { get; }

    internal ILogger CreateJobLogger(string kind) => _loggerFactory.CreateLogger("Ingestion.Jobs." + kind);

    /// <summary>Gets, for each sink, how many events it got, threw on, dropped and has waiting.</summary>
    /// <returns>One entry per sink, in registration order.</returns>
    public IReadOnlyList<SinkStatistics> GetSinkStatistics() => Dispatcher.GetStatistics();

    /// <inheritdoc />
    public ValueTask<JobSnapshot> StartAsync(string kind, JsonElement parameters, JobStartOptions? options = null, CancellationToken cancellationToken = default)
        => StartAsync(JobIds.New(), kind, parameters, options, cancellationToken);

    /// <summary>
    /// Starts a job under an id chosen by the caller (a cluster manager picks it before it knows which host will run the
    /// job).
    /// </summary>
    internal ValueTask<JobSnapshot> StartAsync(string jobId, string kind, JsonElement parameters, JobStartOptions? options, CancellationToken cancellationToken)
    {
        var (registration, bound) = Validate(kind, parameters);
        var run = JobRun.CreateNew(this, jobId, kind, options?.Name, IngestionJson.Normalize(parameters), registration, bound, body: null, Activity.Current?.Context);
        return AcceptAsync(run, cancellationToken);
    }

    /// <summary>Checks that the kind is registered and the parameters bind and validate; throws <see cref="JobStartException"/> if not.</summary>
    internal (JobRegistration Registration, object? Bound) Validate(string kind, JsonElement parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        if (!_registrations.TryGetValue(kind, out var registration))
        {
            var known = _registrations.Count == 0 ? "none" : string.Join(", ", _registrations.Keys.Order(StringComparer.Ordinal));
            throw new JobStartException($"Unknown job kind '{kind}'. Registered kinds: {known}.") { Kind = kind, Failure = JobStartFailure.UnknownKind };
        }

        var errors = new List<JobStartError>();
        var bound = registration.BindParameters(parameters, errors);
        if (errors.Count > 0)
        {
            throw new JobStartException($"Invalid parameters for a job of kind '{kind}': {string.Join(" ", errors)}", errors) { Kind = kind };
        }

        return (registration, bound);
    }

    /// <inheritdoc />
    public ValueTask<JobSnapshot> StartAsync(JobBody body, JobStartOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var run = JobRun.CreateNew(this, JobIds.New(), JobRegistration.DelegateKind, options?.Name, IngestionJson.EmptyObject, registration: null, boundParameters: null, body, Activity.Current?.Context);
        return AcceptAsync(run, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<JobCommandResult> PauseAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var (run, stored) = await FindOrLoadAsync(jobId, cancellationToken).ConfigureAwait(false);
        return run?.Pause() ?? Refuse(jobId, stored, "only a running job can be paused.");
    }

    /// <inheritdoc />
    public async ValueTask<JobCommandResult> ResumeAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var (run, stored) = await FindOrLoadAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return Refuse(jobId, stored, "only a paused or interrupted job can be resumed.");
        }

        return run.State == JobState.Interrupted ? ResumeInterrupted(run) : run.Resume();
    }

    /// <inheritdoc />
    public async ValueTask<JobCommandResult> CancelAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        while (true)
        {
            var (run, stored) = await FindOrLoadAsync(jobId, cancellationToken).ConfigureAwait(false);
            if (run is null)
            {
                return Refuse(jobId, stored, "it cannot be cancelled.");
            }

            // Null: a resume took this interrupted run meanwhile; cancel the run that replaced it.
            if (await run.CancelAsync().ConfigureAwait(false) is { } result)
            {
                return result;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<JobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return FindRun(jobId)?.Snapshot() ?? await Store.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobSnapshot>> ListLiveAsync(CancellationToken cancellationToken = default)
    {
        JobRun[] runs;
        lock (_lock)
        {
            runs = [.. _live.Values];
        }

        // A run that is saying it has ended is still in the live set for a moment; it is not live any more.
        IReadOnlyList<JobSnapshot> snapshots = runs.Select(static r => r.Snapshot()).Where(static s => s.State.IsLive()).OrderBy(static s => s.CreatedAt).ToArray();
        return new ValueTask<IReadOnlyList<JobSnapshot>>(snapshots);
    }

    /// <inheritdoc />
    public async ValueTask<JobHistoryPage> GetHistoryAsync(JobHistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new JobHistoryQuery();
        query.Validate();
        var page = await Store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        var items = page.Items.Select(stored => FindRun(stored.Id)?.Snapshot() ?? stored).ToArray();
        return new JobHistoryPage { Items = items, TotalCount = page.TotalCount, Offset = page.Offset, Limit = page.Limit };
    }

    /// <inheritdoc />
    public IAsyncEnumerable<JobEvent> WatchAsync(string jobId, long? since = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (since is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(since), since, "A sequence number is zero or more.");
        }

        return WatchCoreAsync(jobId, since, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<JobEvent> WatchAllAsync(CancellationToken cancellationToken = default) => WatchAllCoreAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask<JobReplay?> ReplayAsync(string jobId, long? since = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (since is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(since), since, "A sequence number is zero or more.");
        }

        if (FindRun(jobId) is { } run)
        {
            var events = run.Replay(since);
            if (since > events[0].Seq)
            {
                events = run.Replay(null);
            }

            return new JobReplay { Snapshot = (JobSnapshotEvent)events[0], Events = events.Skip(1).ToArray() };
        }

        var stored = await Store.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : StoredReplay(stored, since > stored.LastSeq ? null : since);
    }

    /// <summary>
    /// Marks the jobs that the store shows as live (left over from a process that stopped without shutting down) as
    /// <see cref="JobState.Interrupted"/>, so they can be resumed. Call once at start-up, before starting jobs; the
    /// hosted service registered by <c>AddIngestion()</c> does it for you.
    /// </summary>
    /// <param name="cancellationToken">Cancels the recovery.</param>
    /// <returns>How many jobs were marked interrupted.</returns>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken = default)
    {
        if (!Options.RecoverOnStart)
        {
            return 0;
        }


        var recovered = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var page = await Store.QueryAsync(new JobHistoryQuery { States = LiveStates, Limit = JobHistoryQuery.MaxLimit }, cancellationToken).ConfigureAwait(false);
            var stale = page.Items.Where(job => FindRun(job.Id) is null && seen.Add(job.Id)).ToArray();
            if (stale.Length == 0)
            {
                return recovered;
            }

            foreach (var job in stale)
            {
                var interrupted = job.WithState(JobState.Interrupted, TimeProvider.GetUtcNow());
                await Store.SaveAsync(interrupted, cancellationToken).ConfigureAwait(false);
                Log.JobRecoveredAsInterrupted(Logger, job.Id, job.Kind);
                recovered++;
            }
        }
    }

    /// <summary>
    /// Takes over a job whose host is gone (a cluster manager has made sure of that): if the store has it in a live state
    /// and this manager does not run it, it is saved as <see cref="JobState.Interrupted"/>, so that a resume here
    /// continues it from its checkpoint. Returns the job as the store now has it, or null when the store does not know it.
    /// </summary>
    internal async ValueTask<JobSnapshot?> AdoptAsync(string jobId, CancellationToken cancellationToken)
    {
        if (FindRun(jobId) is { } run)
        {
            return run.Snapshot();
        }

        var stored = await Store.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (stored is null || !LiveStates.Contains(stored.State))
        {
            return stored;
        }

        var interrupted = stored.WithState(JobState.Interrupted, TimeProvider.GetUtcNow());
        await Store.SaveAsync(interrupted, cancellationToken).ConfigureAwait(false);
        Log.JobRecoveredAsInterrupted(Logger, jobId, stored.Kind);
        return interrupted;
    }

    /// <summary>
    /// Interrupts one job that runs here, as a host's stop does (the body stops at its next check), and waits for it to
    /// stop, at most <see cref="IngestionOptions.ShutdownGracePeriod"/>; then it is marked Interrupted at its last
    /// checkpoint anyway. A cluster manager calls it when the job must not run here any more.
    /// </summary>
    internal async Task InterruptAsync(string jobId)
    {
        if (FindRun(jobId) is not { } run || !run.State.IsLive())
        {
            return;
        }

        await run.RequestInterruptAsync().ConfigureAwait(false);
        using var grace = new CancellationTokenSource(Options.ShutdownGracePeriod);
        await WaitQuietlyAsync(run.Finished, grace.Token).ConfigureAwait(false);
        if (!run.Finished.IsCompleted)
        {
            await run.ForceInterruptAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the manager: no new jobs are accepted; queued jobs become <see cref="JobState.Interrupted"/> at once; running
    /// ones are asked to stop at their next check and given <see cref="IngestionOptions.ShutdownGracePeriod"/>, after
    /// which any that has not stopped is marked Interrupted at its last checkpoint anyway; sinks get a short time to
    /// drain. Safe to call more than once; later calls wait for the first.
    /// </summary>
    /// <param name="cancellationToken">Cuts the grace period short (the host's shutdown timeout, say).</param>
    /// <returns>A task that completes when the manager has stopped.</returns>
    public Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return _shutdown ??= ShutdownCoreAsync(cancellationToken);
        }
    }

    /// <summary>Shuts the manager down (see <see cref="ShutdownAsync"/>) and waits for it.</summary>
    /// <returns>A task that completes when the manager has stopped.</returns>
    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    /// <summary>
    /// Shuts the manager down (see <see cref="ShutdownAsync"/>) and blocks until it has stopped, for containers that
    /// dispose synchronously. Prefer <see cref="DisposeAsync"/>.
    /// </summary>
    public void Dispose() => Task.Run(() => ShutdownAsync()).GetAwaiter().GetResult();

    internal void OnRunFinished(JobRun run, JobState outcome)
    {
        Metrics.JobFinished(outcome);
        var toStart = new List<JobRun>();
        lock (_lock)
        {
            // By object, not only by id: a resumed job's new run may already be registered under the same id.
            if (_live.TryGetValue(run.Id, out var live) && ReferenceEquals(live, run))
            {
                _live.Remove(run.Id);
                Interlocked.Add(ref _finishedProcessed, run.ProcessedThisRun);
            }

            if (outcome == JobState.Interrupted)
            {
                _interrupted[run.Id] = run;
            }
            else
            {
                if (_interrupted.TryGetValue(run.Id, out var interrupted) && ReferenceEquals(interrupted, run))
                {
                    _interrupted.Remove(run.Id);
                }

                Retain(run);
            }

            if (run.HoldsSlot)
            {
                run.HoldsSlot = false;
                _running--;
            }

            if (_shutdown is null)
            {
                while (_running < Options.MaxConcurrentJobs && _queue.TryDequeue(out var next))
                {
                    if (next.TryBeginRunning())
                    {
                        next.HoldsSlot = true;
                        _running++;
                        toStart.Add(next);
                    }
                }
            }
        }

        foreach (var next in toStart)
        {
            next.Launch();
        }
    }

    private async ValueTask<JobSnapshot> AcceptAsync(JobRun run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ThrowIfShuttingDown();
            _pendingStarts++;
        }

        bool launch;
        try
        {
            // Stored before anyone can see it: a job that the store refused never existed. Not cancellable: once the
            // write has begun, the caller must not be told "no" for a job the store may have.
            await Store.SaveAsync(run.Snapshot(), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                if (--_pendingStarts == 0)
                {
                    _pendingStartsDrained?.TrySetResult();
                }
            }
        }

        bool stopping;
        lock (_lock)
        {
            launch = RegisterAndScheduleUnderLock(run);
            stopping = _shutdown is not null;
        }

        var snapshot = run.Snapshot();
        if (launch)
        {
            run.Launch();
        }
        else if (stopping)
        {
            // Accepted while the manager began to stop: it is the shutdown's to interrupt, like any queued job.
            await run.RequestInterruptAsync().ConfigureAwait(false);
        }

        return snapshot;
    }

    private JobCommandResult ResumeInterrupted(JobRun interrupted)
    {
        if (!_registrations.TryGetValue(interrupted.Kind, out var registration))
        {
            var why = interrupted.Kind == JobRegistration.DelegateKind
                ? "it was started from a delegate, which does not outlive its process"
                : $"its kind '{interrupted.Kind}' is not registered in this host";
            return JobCommandResult.InvalidTransition(interrupted.Snapshot(), $"The job is interrupted but cannot be resumed here: {why}.");
        }

        var previous = interrupted.Snapshot();
        var errors = new List<JobStartError>();
        var bound = registration.BindParameters(previous.Parameters, errors);
        if (errors.Count > 0)
        {
            return JobCommandResult.InvalidTransition(previous, $"The job is interrupted but its parameters are no longer valid: {string.Join(" ", errors)}");
        }

        JobRun run;
        bool launch;
        lock (_lock)
        {
            if (_shutdown is not null)
            {
                return JobCommandResult.InvalidTransition(previous, "The job manager is shutting down; the job stays interrupted.");
            }

            var current = FindRunUnderLock(interrupted.Id);
            if (current is not null && !ReferenceEquals(current, interrupted))
            {
                return current.State.IsLive()
                    ? JobCommandResult.Unchanged(current.Snapshot(), "The job was already resumed.")
                    : JobCommandResult.InvalidTransition(current.Snapshot(), $"The job is {Describe(current.State)}; it cannot be resumed.");
            }

            // The claim is what makes a racing cancel and a second resume lose: only one of them gets the run.
            if (!interrupted.TryClaimForResume())
            {
                var now = interrupted.Snapshot();
                return JobCommandResult.InvalidTransition(now, $"The job is {Describe(now.State)}; it cannot be resumed.");
            }

            previous = interrupted.Snapshot();
            run = JobRun.CreateResumed(this, previous, registration, bound);
            _interrupted.Remove(interrupted.Id);
            _retained.Remove(interrupted.Id);
            launch = RegisterAndScheduleUnderLock(run);
        }

        var snapshot = run.Snapshot();
        if (launch)
        {
            run.Launch();
        }

        _ = run.SaveAsync();
        return JobCommandResult.Applied(snapshot, "The job resumes from its checkpoint.");
    }

    /// <summary>
    /// The job's run in memory; or, for an interrupted job that only the store has, a run loaded for it (so that every
    /// command on it goes through one object); or, for any other stored job, its record.
    /// </summary>
    private async ValueTask<(JobRun? Run, JobSnapshot? Stored)> FindOrLoadAsync(string jobId, CancellationToken cancellationToken)
    {
        if (FindRun(jobId) is { } run)
        {
            return (run, null);
        }

        var stored = await Store.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.State != JobState.Interrupted)
        {
            return (null, stored);
        }

        lock (_lock)
        {
            if (FindRunUnderLock(jobId) is { } loadedMeanwhile)
            {
                return (loadedMeanwhile, null);
            }

            var loaded = JobRun.CreateInterrupted(this, stored);
            _interrupted.Add(jobId, loaded);
            return (loaded, null);
        }
    }

    private static JobCommandResult Refuse(string jobId, JobSnapshot? stored, string what)
        => stored is null ? JobCommandResult.NotFound(jobId) : JobCommandResult.InvalidTransition(stored, $"The job is {Describe(stored.State)}; {what}");

    /// <summary>
    /// Makes a new or resumed run visible (live, watched by every all-jobs subscriber, announced as queued) and gives it
    /// a slot if one is free and nobody is ahead of it. In one critical section with the shutdown check, so a job is
    /// either seen by the shutdown or refused. Returns whether the caller must launch its body (outside the lock).
    /// </summary>
    private bool RegisterAndScheduleUnderLock(JobRun run)
    {
        _live.Add(run.Id, run);
        foreach (var queue in _allSubscribers)
        {
            run.Attach(queue);
        }

        run.Announce();
        if (_shutdown is null && _running < Options.MaxConcurrentJobs && _queue.Count == 0 && run.TryBeginRunning())
        {
            run.HoldsSlot = true;
            _running++;
            return true;
        }

        _queue.Enqueue(run);
        return false;
    }

    private JobRun Retain(JobRun run)
    {
        if (Options.RetainedFinishedJobs == 0 || _live.ContainsKey(run.Id))
        {
            return run;
        }

        // A replaced entry leaves its old object in the order queue; eviction skips such stale entries.
        _retained[run.Id] = run;
        _retainedOrder.Enqueue(run);

        while (_retained.Count > Options.RetainedFinishedJobs && _retainedOrder.TryDequeue(out var oldest))
        {
            if (_retained.TryGetValue(oldest.Id, out var current) && ReferenceEquals(current, oldest))
            {
                _retained.Remove(oldest.Id);
            }
        }

        return run;
    }

    internal JobRun? FindRun(string jobId)
    {
        lock (_lock)
        {
            return FindRunUnderLock(jobId);
        }
    }

    private JobRun? FindRunUnderLock(string jobId)
        => _live.TryGetValue(jobId, out var run) || _interrupted.TryGetValue(jobId, out run) || _retained.TryGetValue(jobId, out run) ? run : null;

    private async IAsyncEnumerable<JobEvent> WatchCoreAsync(string jobId, long? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var run = FindRun(jobId);
        if (run is null)
        {
            var stored = await Store.GetAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw JobNotFoundException.For(jobId);
            var replay = StoredReplay(stored, since);
            yield return replay.Snapshot;
            foreach (var jobEvent in replay.Events)
            {
                yield return jobEvent;
            }

            yield break;
        }

        var queue = new EventQueue(Options.QueueCapacity, TimeProvider);
        var prelude = run.Subscribe(queue, since);
        try
        {
            foreach (var jobEvent in prelude)
            {
                yield return jobEvent;
            }

            while (await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (queue.TryDequeue(out var jobEvent))
                {
                    yield return jobEvent;
                }
            }
        }
        finally
        {
            run.Unsubscribe(queue);
        }
    }

    private async IAsyncEnumerable<JobEvent> WatchAllCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var queue = new EventQueue(Options.QueueCapacity, TimeProvider);
        lock (_lock)
        {
            if (_shutdown is null)
            {
                _allSubscribers.Add(queue);
                foreach (var run in _live.Values.OrderBy(static r => r.CreatedAt))
                {
                    run.Attach(queue);
                }
            }
            else
            {
                queue.Complete();
            }
        }

        try
        {
            while (await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (queue.TryDequeue(out var jobEvent))
                {
                    yield return jobEvent;
                }
            }
        }
        finally
        {
            JobRun[] runs;
            lock (_lock)
            {
                _allSubscribers.Remove(queue);
                runs = [.. _live.Values];
            }

            foreach (var run in runs)
            {
                run.Unsubscribe(queue);
            }
        }
    }

    private async Task ShutdownCoreAsync(CancellationToken cancellationToken)
    {
        // Leave the caller's lock (and its synchronization context) before doing anything.
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        var grace = new CancellationTokenSource(Options.ShutdownGracePeriod, TimeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(grace.Token, cancellationToken);
        try
        {
            // Starts already past their check are let finish, so that their jobs are seen here and interrupted.
            Task pendingStarts;
            lock (_lock)
            {
                pendingStarts = _pendingStarts == 0 ? Task.CompletedTask : (_pendingStartsDrained = new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await WaitQuietlyAsync(pendingStarts, deadline.Token).ConfigureAwait(false);

            JobRun[] live;
            lock (_lock)
            {
                live = [.. _live.Values];
                _queue.Clear();
            }

            // All at once: queued jobs each write their interruption to the store, and running ones only get a signal.
            var interrupts = Task.WhenAll(live.Select(static r => r.RequestInterruptAsync().AsTask()));
            var stopped = Task.WhenAll(live.Select(static r => r.Finished));
            await WaitQuietlyAsync(Task.WhenAll(interrupts, stopped), deadline.Token).ConfigureAwait(false);

            foreach (var run in live.Where(static r => !r.Finished.IsCompleted))
            {
                await run.ForceInterruptAsync().ConfigureAwait(false);
            }

            // Runs that stopped just in time may still be finishing (writing their record, then their completion
            // event): let them, briefly, so that sinks get their last events.
            await WaitQuietlyAsync(stopped, CancellationToken.None, SinkDrainTime).ConfigureAwait(false);
        }
        finally
        {
            grace.Dispose();
        }

        await Dispatcher.StopAsync(SinkDrainTime).ConfigureAwait(false);
        lock (_lock)
        {
            foreach (var queue in _allSubscribers)
            {
                queue.Complete();
            }

            _allSubscribers.Clear();
        }

        Metrics.Dispose();
    }

    /// <summary>Waits for a task until it completes, the token is cancelled or the timeout passes; never throws.</summary>
    private async Task WaitQuietlyAsync(Task task, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        try
        {
            await (timeout is { } t ? task.WaitAsync(t, TimeProvider, cancellationToken) : task.WaitAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // The deadline passed: the caller goes on to force what did not finish.
        }
    }

    private void ThrowIfShuttingDown()
    {
        if (Volatile.Read(ref _shutdown) is not null)
        {
            throw new ObjectDisposedException(nameof(JobManager), "The job manager is shutting down and accepts no new jobs.");
        }
    }

    private IEnumerable<Measurement<long>> MeasureLiveJobs()
    {
        var counts = new long[LiveStates.Length];
        lock (_lock)
        {
            foreach (var run in _live.Values)
            {
                var index = Array.IndexOf(LiveStates, run.State);
                if (index >= 0)
                {
                    counts[index]++;
                }
            }
        }

        for (var i = 0; i < LiveStates.Length; i++)
        {
            yield return new Measurement<long>(counts[i], IngestionMetrics.StateTag(LiveStates[i]));
        }
    }

    private long MeasureItemsProcessed()
    {
        long live = 0;
        lock (_lock)
        {
            foreach (var run in _live.Values)
            {
                live += run.ProcessedThisRun;
            }
        }

        return Interlocked.Read(ref _finishedProcessed) + live;
    }

    /// <summary>The replay of a job that only the store knows: its snapshot, and a gap for the events it no longer has.</summary>
    private JobReplay StoredReplay(JobSnapshot stored, long? since)
    {
        var now = TimeProvider.GetUtcNow();
        var from = since ?? 0;
        return new JobReplay
        {
            Snapshot = new JobSnapshotEvent { JobId = stored.Id, Seq = stored.LastSeq, Timestamp = now, Job = stored },
            FromStore = true,
            Events = from < stored.LastSeq
                ? [new JobGapEvent { JobId = stored.Id, Seq = stored.LastSeq, Timestamp = now, FromSeq = from + 1, ToSeq = stored.LastSeq }]
                : [],
        };
    }

    private static string Describe(JobState state) => state.ToString().ToLowerInvariant();

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
