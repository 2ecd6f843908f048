using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ingestion.Core;

/// <summary>
/// One run of a job: its state machine, its events and its body. Every change of state and every event is made under
/// the run's lock, and events are numbered and handed to the journal, subscribers and sinks inside that same lock, so
/// each consumer sees one total order per job and a snapshot taken under the lock reflects exactly the events up to
/// its <see cref="JobSnapshot.LastSeq"/>. Nothing slow happens under the lock: queues are written without waiting,
/// the store is written by <see cref="JobPersister"/>, cancellation callbacks and the body run elsewhere.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The cancellation source has no timer and no linked token, so it holds nothing to release; disposing it would race late Cancel calls.")]
internal sealed class JobRun
{
    private static readonly TimeSpan ProgressHeartbeat = TimeSpan.FromSeconds(1);

    private readonly JobManager _manager;
    private readonly Lock _lock = new();
    private readonly JobJournal _journal;
    private readonly List<EventQueue> _jobSubscribers = [];
    private readonly List<EventQueue> _allSubscribers = [];
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PauseTokenSource _pause;
    private readonly RunClock _clock;
    private readonly RateEstimator _rate;
    private readonly JobPersister _persister;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, double> _results;
    private readonly DateTimeOffset _createdAt;
    private readonly object? _boundParameters;
    private readonly JobBody? _body;
    private readonly long _processedAtStart;

    private volatile JobState _state;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _finishedAt;
    private JobError? _error;
    private string? _checkpoint;
    private long _seq;
    private bool _cancelRequested;
    private bool _interruptRequested;
    private bool _finalized;
    private bool _closed;
    private bool _claimedForResume;
    private readonly ActivityContext? _starter;
    private readonly List<JobState> _unloggedStates = [];
    private ProgressReporter.CounterValues _lastPublished;
    private long _lastPublishedAt;
    private ITimer? _sampler;

    private JobRun(
        JobManager manager,
        string id,
        string kind,
        string? name,
        JsonElement parameters,
        JobRegistration? registration,
        object? boundParameters,
        JobBody? body,
        JobSnapshot? previous,
        ActivityContext? starter = null)
    {
        _manager = manager;
        Id = id;
        Kind = kind;
        Name = name;
        Parameters = parameters;
        Registration = registration;
        _boundParameters = boundParameters;
        _body = body;
        _starter = starter;

        // A run that continues an earlier one has none of that run's events: a replay from before must say so.
        _journal = new JobJournal(manager.Options.JournalCapacity, previous?.LastSeq ?? 0);
        _pause = new PauseTokenSource(AcknowledgePause, _cancellation.Token);
        Progress = new ProgressReporter();
        _createdAt = previous?.CreatedAt ?? manager.TimeProvider.GetUtcNow();
        _results = previous is null ? new(StringComparer.Ordinal) : new(previous.Results, StringComparer.Ordinal);
        if (previous is not null)
        {
            Progress.Restore(previous.Progress);
            _startedAt = previous.StartedAt;
            _checkpoint = previous.Checkpoint;
            _seq = previous.LastSeq;
            RunCount = previous.RunCount;
        }

        _clock = new RunClock(manager.TimeProvider, previous?.Progress.Elapsed ?? TimeSpan.Zero);
        _processedAtStart = Progress.Processed;
        _rate = new RateEstimator(_processedAtStart, _clock.Elapsed);
        _lastPublished = Progress.ReadCounters();
        _persister = new JobPersister(id, manager.Store, Snapshot, manager.Logger, manager.Metrics);
        Logger = new JobLogger(this, manager.CreateJobLogger(kind), manager.Options.LogEventLevel);
    }

    public string Id { get; }

    public DateTimeOffset CreatedAt => _createdAt;

    /// <summary>Items processed by this run alone (a resumed run starts from the counters of the one before).</summary>
    public long ProcessedThisRun => Progress.Processed - _processedAtStart;

    public string Kind { get; }

    public string? Name { get; }

    public JsonElement Parameters { get; }

    public JobRegistration? Registration { get; }

    public ProgressReporter Progress { get; }

    public ILogger Logger { get; }

    public JobState State => _state;

    public int RunCount { get; private set; }

    /// <summary>Set by the manager when this run took one of the concurrency slots.</summary>
    public bool HoldsSlot { get; set; }

    /// <summary>Completes once the run reached its final (or interrupted) state and said so.</summary>
    public Task Finished => _finished.Task;

    public PauseToken PauseToken => _pause.Token;

    /// <summary>The pause source's current gate (tests drive the acknowledgement with it).</summary>
    internal PauseGate? CurrentGate => _pause.Gate;

    public CancellationToken CancellationToken => _cancellation.Token;

    public string? Checkpoint
    {
        get
        {
            lock (_lock)
            {
                return _checkpoint;
            }
        }
    }

    /// <summary>A new job, queued. Its run's activity will link to <paramref name="starter"/>.</summary>
    public static JobRun CreateNew(JobManager manager, string id, string kind, string? name, JsonElement parameters, JobRegistration? registration, object? boundParameters, JobBody? body, ActivityContext? starter)
        => new(manager, id, kind, name, parameters, registration, boundParameters, body, previous: null, starter) { _state = JobState.Queued };

    /// <summary>An interrupted job brought back from its snapshot, queued to run again from its checkpoint.</summary>
    public static JobRun CreateResumed(JobManager manager, JobSnapshot interrupted, JobRegistration registration, object? boundParameters)
        => new(manager, interrupted.Id, interrupted.Kind, interrupted.Name, interrupted.Parameters, registration, boundParameters, body: null, interrupted)
        {
            _state = JobState.Interrupted,
        };

    /// <summary>An interrupted job from the store, in memory so that resume and cancel have one object to agree on.</summary>
    public static JobRun CreateInterrupted(JobManager manager, JobSnapshot interrupted)
        => new(manager, interrupted.Id, interrupted.Kind, interrupted.Name, interrupted.Parameters, registration: null, boundParameters: null, body: null, interrupted)
        {
            _state = JobState.Interrupted,
            _finishedAt = interrupted.FinishedAt,
            _error = interrupted.Error,
            _finalized = true,
            _closed = true,
        };

    public JobSnapshot Snapshot()
    {
        lock (_lock)
        {
            return SnapshotUnderLock();
        }
    }

    public Task<Exception?> SaveAsync() => _persister.RequestSave();

    /// <summary>Publishes the job's first event of this run: queued (new), or interrupted → queued (resumed).</summary>
    public void Announce()
    {
        lock (_lock)
        {
            var previous = _state == JobState.Interrupted ? JobState.Interrupted : (JobState?)null;
            if (previous is not null)
            {
                _state = JobState.Queued;
                _finishedAt = null;
            }

            PublishStateUnderLock(JobState.Queued, previous);
        }
    }

    /// <summary>Queued → Running. False when the job is no longer queued (it was cancelled or interrupted meanwhile).</summary>
    public bool TryBeginRunning()
    {
        lock (_lock)
        {
            if (_state != JobState.Queued)
            {
                return false;
            }

            RunCount++;
            _startedAt ??= _manager.TimeProvider.GetUtcNow();
            _clock.Start();
            SetStateUnderLock(JobState.Running);
            var interval = _manager.Options.ProgressInterval;
            _sampler = _manager.TimeProvider.CreateTimer(static s => ((JobRun)s!).SampleProgress(), this, interval, interval);
        }

        _ = SaveAsync();
        return true;
    }

    /// <summary>Runs the body on the thread pool, outside the caller's execution context. Called outside every lock.</summary>
    public void Launch()
    {
        LogStateChanges();
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(ExecuteAsync);
        }
    }

    public JobCommandResult Pause()
    {
        JobSnapshot applied;
        lock (_lock)
        {
            switch (_state)
            {
                case JobState.Running when _cancelRequested:
                    return JobCommandResult.InvalidTransition(SnapshotUnderLock(), "The job is being cancelled; it cannot be paused.");
                case JobState.Running when _interruptRequested:
                    return JobCommandResult.InvalidTransition(SnapshotUnderLock(), "The host is stopping; the job stops at its next check and cannot be paused.");
                case JobState.Running:
                    if (!_pause.Pause())
                    {
                        return JobCommandResult.InvalidTransition(SnapshotUnderLock(), "The job cannot be paused now.");
                    }

                    SetStateUnderLock(JobState.Pausing);
                    applied = SnapshotUnderLock();
                    break;
                case JobState.Pausing or JobState.Paused:
                    return JobCommandResult.Unchanged(SnapshotUnderLock(), $"The job is already {Describe(_state)}.");
                case JobState.Queued:
                    return JobCommandResult.InvalidTransition(SnapshotUnderLock(), "The job is queued and has not started; only a running job can be paused (a queued one can be cancelled).");
                default:
                    return JobCommandResult.InvalidTransition(SnapshotUnderLock(), $"The job is {Describe(_state)}; only a running job can be paused.");
            }
        }

        LogStateChanges();
        _ = SaveAsync();
        return JobCommandResult.Applied(applied, "Pause requested; the job pauses at its next check.");
    }

    public JobCommandResult Resume()
    {
        JobSnapshot applied;
        lock (_lock)
        {
            switch (_state)
            {
                case JobState.Pausing or JobState.Paused when _cancelRequested || _interruptRequested:
                    return JobCommandResult.InvalidTransition(SnapshotUnderLock(), "The job is being stopped; it cannot be resumed.");
                case JobState.Pausing or JobState.Paused:
                    _clock.Start();
                    SetStateUnderLock(JobState.Running);

                    // After the state change, so that a body woken by this resume finds the job Running.
                    _pause.Resume();
                    applied = SnapshotUnderLock();
                    break;
                case JobState.Running:
                    return JobCommandResult.Unchanged(SnapshotUnderLock(), "The job is already running.");
                case JobState.Queued:
                    return JobCommandResult.InvalidTransition(SnapshotUnderLock(), "The job is queued and has not started; only a paused job can be resumed.");
                default:
                    return JobCommandResult.InvalidTransition(SnapshotUnderLock(), $"The job is {Describe(_state)}; only a paused or interrupted job can be resumed.");
            }
        }

        LogStateChanges();
        _ = SaveAsync();
        return JobCommandResult.Applied(applied, "The job is running again.");
    }

    /// <summary>
    /// Cancels the job. Returns <see langword="null"/> when this run was claimed by a resume meanwhile: the caller looks
    /// the job up again and cancels the run that replaced it.
    /// </summary>
    public async ValueTask<JobCommandResult?> CancelAsync()
    {
        while (true)
        {
            JobSnapshot? requested = null;
            var finishing = false;
            lock (_lock)
            {
                switch (_state)
                {
                    case JobState.Running or JobState.Pausing or JobState.Paused when _cancelRequested:
                        return JobCommandResult.Unchanged(SnapshotUnderLock(), "Cancellation was already requested; the job stops at its next check.");
                    case JobState.Running or JobState.Pausing or JobState.Paused:
                        _cancelRequested = true;
                        requested = SnapshotUnderLock();
                        break;
                    case JobState.Interrupted when _claimedForResume:
                        return null;
                    case JobState.Interrupted when _finalized && !_closed:
                        // Still saying it was interrupted (the host is stopping): wait for that to be over.
                        finishing = true;
                        break;
                    case JobState.Queued or JobState.Interrupted:
                        break;
                    default:
                        return JobCommandResult.InvalidTransition(SnapshotUnderLock(), $"The job is {Describe(_state)}; it cannot be cancelled.");
                }
            }

            if (requested is not null)
            {
                StopBody();
                return JobCommandResult.Applied(requested, "Cancellation requested; the job stops at its next check.");
            }

            if (finishing)
            {
                await Finished.ConfigureAwait(false);
                continue;
            }

            // A queued or interrupted job has no body running: it is cancelled here and now, unless it moved on
            // (started, or was resumed) since we looked; then look again.
            if (await FinishWithoutBodyAsync(JobState.Cancelled).ConfigureAwait(false))
            {
                return JobCommandResult.Applied(Snapshot(), "The job was cancelled.");
            }
        }
    }

    /// <summary>Host stopping: a running body is asked to stop at its next check; a queued job is interrupted at once.</summary>
    public async ValueTask RequestInterruptAsync()
    {
        bool signalBody;
        lock (_lock)
        {
            if (_finalized)
            {
                return;
            }

            _interruptRequested = true;
            signalBody = _state is not JobState.Queued;
        }

        if (signalBody)
        {
            StopBody();
        }
        else
        {
            await FinishWithoutBodyAsync(JobState.Interrupted).ConfigureAwait(false);
        }
    }

    /// <summary>An interrupted run is taken by a resume, which replaces it with a new run. False if it was not free to take.</summary>
    public bool TryClaimForResume()
    {
        lock (_lock)
        {
            if (_state != JobState.Interrupted || !_closed || _claimedForResume)
            {
                return false;
            }

            _claimedForResume = true;
            return true;
        }
    }

    /// <summary>
    /// Cancels the body's token, then stops the pause source so that the body's next check leaves the fast path and
    /// throws even when the job is not paused. The token is cancelled when CancelAsync returns; its callbacks (the
    /// body's own among them) run on the thread pool, and nobody waits for them: a command must not wait on user code.
    /// </summary>
    private void StopBody()
    {
        var callbacks = _cancellation.CancelAsync();
        _pause.Stop();
        if (!callbacks.IsCompleted)
        {
            _ = ObserveCallbacksAsync(callbacks);
        }
        else if (callbacks.IsFaulted)
        {
            Log.CancellationCallbackFailed(_manager.Logger, Id, callbacks.Exception);
        }
    }

    private async Task ObserveCallbacksAsync(Task callbacks)
    {
        try
        {
            await callbacks.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A body's cancellation callback that throws is the body's bug: log it, do not spread it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CancellationCallbackFailed(_manager.Logger, Id, ex);
        }
    }

    /// <summary>The grace period is over and the body has not stopped: mark the job Interrupted at its last checkpoint anyway.</summary>
    public Task ForceInterruptAsync()
    {
        lock (_lock)
        {
            if (_finalized)
            {
                // It stopped in time and is only finishing saying so.
                return Task.CompletedTask;
            }
        }

        Log.JobDidNotStop(_manager.Logger, Id, Kind, _manager.Options.ShutdownGracePeriod);
        return FinishAsync(JobState.Interrupted, error: null);
    }

    public async ValueTask SaveCheckpointAsync(string checkpoint)
    {
        string? previous;
        lock (_lock)
        {
            // Interrupted by force while the body still ran: its record is final, and a resume (here or on another
            // host) starts from the checkpoint it has; a late save would overwrite the resumed run's.
            if (_finalized)
            {
                throw new JobInterruptedException($"Job {Id} was interrupted; its checkpoint is no longer saved.");
            }

            previous = _checkpoint;
            _checkpoint = checkpoint;
        }

        var failure = await SaveAsync().ConfigureAwait(false);
        if (failure is not null)
        {
            // A resume, in this process or after a restart, starts from the last checkpoint that was saved.
            lock (_lock)
            {
                if (ReferenceEquals(_checkpoint, checkpoint))
                {
                    _checkpoint = previous;
                }
            }

            throw new JobInterruptedException($"The checkpoint of job {Id} could not be saved: {failure.Message}", failure);
        }
    }

    public void SetResult(string name, double value)
    {
        lock (_lock)
        {
            _results[name] = value;
        }
    }

    public T GetParameters<T>()
    {
        if (_boundParameters is T bound)
        {
            return bound;
        }

        return Parameters.Deserialize<T>(IngestionJson.Options)
            ?? throw new InvalidOperationException($"Job {Id} has no parameters of type {typeof(T).Name}.");
    }

    public void PublishLog(LogLevel level, string message, Exception? exception)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            Publish(new JobLogEvent
            {
                JobId = Id,
                Seq = ++_seq,
                Timestamp = _manager.TimeProvider.GetUtcNow(),
                Level = level,
                Message = message,
                Exception = exception is null ? null : $"{exception.GetType().Name}: {exception.Message}",
            });
        }
    }

    /// <summary>
    /// Subscribes a per-job queue. Returns what comes before the live events: the snapshot, then a gap if the journal
    /// lost entries after <paramref name="since"/>, then the kept entries after it. The queue is completed after the
    /// run's completion event (at once, if that has already been published).
    /// </summary>
    public List<JobEvent> Subscribe(EventQueue queue, long? since)
    {
        var prelude = new List<JobEvent>();
        lock (_lock)
        {
            prelude.Add(SnapshotEventUnderLock());
            _journal.Replay(since ?? 0, prelude, _manager.TimeProvider, Id);
            if (_closed)
            {
                queue.Complete();
            }
            else
            {
                _jobSubscribers.Add(queue);
            }
        }

        return prelude;
    }

    /// <summary>The snapshot and the journal's entries after <paramref name="since"/>, without subscribing.</summary>
    public List<JobEvent> Replay(long? since)
    {
        var events = new List<JobEvent>();
        lock (_lock)
        {
            events.Add(SnapshotEventUnderLock());
            _journal.Replay(since ?? 0, events, _manager.TimeProvider, Id);
        }

        return events;
    }

    /// <summary>Attaches an all-jobs queue: it gets this job's snapshot now and every later event.</summary>
    public void Attach(EventQueue queue)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            queue.Enqueue(SnapshotEventUnderLock());
            _allSubscribers.Add(queue);
        }
    }

    public void Unsubscribe(EventQueue queue)
    {
        lock (_lock)
        {
            _jobSubscribers.Remove(queue);
            _allSubscribers.Remove(queue);
        }
    }

    private async Task ExecuteAsync()
    {
        // A job outlives whatever started it: its activity links to the starter instead of being its child.
        Activity.Current = null;
        using var activity = IngestionMetrics.ActivitySource.StartActivity(
            "ingestion.job",
            ActivityKind.Internal,
            default(ActivityContext),
            [new("ingestion.job.id", Id), new("ingestion.job.kind", Kind), new("ingestion.job.run", RunCount)],
            _starter is { } starter ? [new ActivityLink(starter)] : null);

        Exception? failure = null;
        try
        {
            var scope = _manager.Services.GetService<IServiceScopeFactory>()?.CreateAsyncScope();
            try
            {
                var services = scope?.ServiceProvider ?? _manager.Services;
                var job = _body is not null ? null : Registration!.CreateJob(services);
                var context = new JobContext(this, services, _manager.TimeProvider);
                var execution = _body is not null ? _body(context, _cancellation.Token) : job!.ExecuteAsync(context, _cancellation.Token);
                await execution.ConfigureAwait(false);
            }
            finally
            {
                if (scope is { } s)
                {
                    await s.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
#pragma warning disable CA1031 // Whatever the body throws becomes the job's outcome; it must never reach the host or another job.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        var outcome = DecideOutcome(failure);
        var error = (JobError?)null;
        if (outcome == JobState.Failed)
        {
            Log.JobFailed(_manager.Logger, Id, Kind, failure!);
            activity?.SetStatus(ActivityStatusCode.Error, failure!.Message);
            error = JobError.FromException(failure!);
        }
        else if (outcome == JobState.Interrupted && failure is JobInterruptedException interruption)
        {
            Log.JobInterruptedByBody(_manager.Logger, Id, Kind, interruption);
            activity?.SetStatus(ActivityStatusCode.Error, interruption.Message);
            error = JobError.FromException(interruption);
        }

        activity?.SetTag("ingestion.job.state", outcome.ToString());
        await FinishAsync(outcome, error).ConfigureAwait(false);
    }

    private JobState DecideOutcome(Exception? failure)
    {
        lock (_lock)
        {
            // A cancel the user asked for stands, even if the host started stopping before the body got there.
            var stoppedByUs = failure is null || (failure is OperationCanceledException && _cancellation.IsCancellationRequested);
            if (stoppedByUs && _cancelRequested)
            {
                return JobState.Cancelled;
            }

            if (stoppedByUs && _interruptRequested)
            {
                return JobState.Interrupted;
            }

            // The body says it can go on later: a cancel asked for stands, as above; otherwise it is resumable, unless
            // it is a delegate, which cannot be resumed (it is Failed then, with the same error).
            if (failure is JobInterruptedException && _body is null)
            {
                return _cancelRequested ? JobState.Cancelled : JobState.Interrupted;
            }

            return failure is null ? JobState.Completed : JobState.Failed;
        }
    }

    /// <summary>Finishes a job that has no body running (queued, or interrupted and not resumed). False if it has moved on meanwhile.</summary>
    private Task<bool> FinishWithoutBodyAsync(JobState outcome)
        => FinishAsync(outcome, error: null, onlyIf: run => run._state == JobState.Queued
            || (run._state == JobState.Interrupted && run._closed && !run._claimedForResume));

    /// <summary>
    /// Ends the run: final progress, final state, a durable record, then the completion event. Exactly once: a body
    /// that ends after a forced interruption only leaves a log line. <paramref name="onlyIf"/> is checked under the
    /// same lock as the change, so a queued job cannot start and be cancelled at once.
    /// </summary>
    private async Task<bool> FinishAsync(JobState outcome, JobError? error, Func<JobRun, bool>? onlyIf = null)
    {
        lock (_lock)
        {
            if (onlyIf is not null && !onlyIf(this))
            {
                return false;
            }

            // An interrupted run that has finished saying so is final for this process, but may still be cancelled
            // for good (onlyIf checked that).
            var reopening = _finalized && _state == JobState.Interrupted && _closed && onlyIf is not null;
            if (_finalized && !reopening)
            {
                Log.JobFinishedTooLate(_manager.Logger, Id, Kind, outcome.ToString());
                return false;
            }

            _closed = false;

            _finalized = true;
            _sampler?.Dispose();
            _sampler = null;
            _clock.Stop();
            _error = error;
            _finishedAt = _manager.TimeProvider.GetUtcNow();
            PublishProgressUnderLock(force: true);
            SetStateUnderLock(outcome);
        }

        try
        {
            LogStateChanges();

            // Durable before the completion event, so whoever reacts to it by reading the history sees the final
            // record. A failed write is already logged and counted by the persister; the run still ends.
            await SaveAsync().ConfigureAwait(false);

            lock (_lock)
            {
                Publish(new JobCompletedEvent
                {
                    JobId = Id,
                    Seq = ++_seq,
                    Timestamp = _manager.TimeProvider.GetUtcNow(),
                    Summary = SnapshotUnderLock(),
                });
                _closed = true;
                foreach (var queue in _jobSubscribers)
                {
                    queue.Complete();
                }

                _jobSubscribers.Clear();
                _allSubscribers.Clear();
            }

            // Lets go of any straggler waiting at a pause check.
            _pause.Resume();
        }
        finally
        {
            // Whatever happened above, the slot is given back and waiters are told.
            _manager.OnRunFinished(this, outcome);
            _finished.TrySetResult();
        }

        return true;
    }

    /// <summary>
    /// The body reached a pause check while paused: a pending pause is acknowledged, if the gate the body saw is still
    /// the current one. (Pause and resume change the gate under this lock, so a current gate is not open yet; a stale
    /// one may be, and acknowledging it would call the job Paused while the body runs on.)
    /// </summary>
    internal void AcknowledgePause(PauseGate gate)
    {
        lock (_lock)
        {
            // A stop that is already on its way wins over the pause: the body's wait ends at once anyway.
            if (_state != JobState.Pausing || !ReferenceEquals(_pause.Gate, gate) || _cancelRequested || _interruptRequested)
            {
                return;
            }

            _clock.Stop();
            PublishProgressUnderLock(force: false);
            SetStateUnderLock(JobState.Paused);
        }

        LogStateChanges();
        _ = SaveAsync();
    }

    private void SampleProgress()
    {
        lock (_lock)
        {
            if (_finalized)
            {
                return;
            }

            if (_clock.IsRunning)
            {
                _rate.Sample(Progress.Processed, _clock.Elapsed);
            }

            PublishProgressUnderLock(force: false);
        }
    }

    private void PublishProgressUnderLock(bool force)
    {
        var values = Progress.ReadCounters();
        var now = _manager.TimeProvider.GetTimestamp();
        var heartbeatDue = _clock.IsRunning && _manager.TimeProvider.GetElapsedTime(_lastPublishedAt, now) >= ProgressHeartbeat;
        if (!force && !heartbeatDue && values.SameAs(_lastPublished))
        {
            return;
        }

        _lastPublished = values;
        _lastPublishedAt = now;
        Publish(new JobProgressEvent
        {
            JobId = Id,
            Seq = ++_seq,
            Timestamp = _manager.TimeProvider.GetUtcNow(),
            Progress = BuildProgress(values),
        });
    }

    private void SetStateUnderLock(JobState state)
    {
        var previous = _state;
        _state = state;
        PublishStateUnderLock(state, previous);
        _unloggedStates.Add(state);
    }

    /// <summary>Logs the state changes made so far, outside the lock: a logging provider is user code.</summary>
    private void LogStateChanges()
    {
        JobState[] states;
        lock (_lock)
        {
            if (_unloggedStates.Count == 0)
            {
                return;
            }

            states = [.. _unloggedStates];
            _unloggedStates.Clear();
        }

        foreach (var state in states)
        {
            Log.JobStateChanged(_manager.Logger, Id, Kind, state);
        }
    }

    private void PublishStateUnderLock(JobState state, JobState? previous) => Publish(new JobStateChangedEvent
    {
        JobId = Id,
        Seq = ++_seq,
        Timestamp = _manager.TimeProvider.GetUtcNow(),
        State = state,
        PreviousState = previous,
        Error = state is JobState.Failed or JobState.Interrupted ? _error : null,
    });

    private void Publish(JobEvent jobEvent)
    {
        _journal.Append(jobEvent);
        foreach (var queue in _jobSubscribers)
        {
            queue.Enqueue(jobEvent);
        }

        foreach (var queue in _allSubscribers)
        {
            queue.Enqueue(jobEvent);
        }

        _manager.Dispatcher.Publish(jobEvent);
    }

    private JobSnapshotEvent SnapshotEventUnderLock() => new()
    {
        JobId = Id,
        Seq = _seq,
        Timestamp = _manager.TimeProvider.GetUtcNow(),
        Job = SnapshotUnderLock(),
    };

    private JobSnapshot SnapshotUnderLock() => new()
    {
        Id = Id,
        Kind = Kind,
        Name = Name,
        State = _state,
        Parameters = Parameters,
        Progress = BuildProgress(Progress.ReadCounters()),
        CreatedAt = _createdAt,
        StartedAt = _startedAt,
        FinishedAt = _finishedAt,
        IsCancellationRequested = _cancelRequested && !_finalized,
        Error = _error,
        Checkpoint = _checkpoint,
        Results = new Dictionary<string, double>(_results, StringComparer.Ordinal),
        RunCount = RunCount,
        LastSeq = _seq,
    };

    private JobProgress BuildProgress(in ProgressReporter.CounterValues values)
    {
        var processed = values.Processed;
        var rate = _rate.ItemsPerSecond;
        return new JobProgress
        {
            Total = values.Total,
            Processed = processed,
            Succeeded = values.Succeeded,
            Failed = values.Failed,
            Skipped = values.Skipped,
            Counters = values.Counters,
            CurrentItem = values.CurrentItem,
            Message = values.Message,
            Elapsed = _clock.Elapsed,
            ItemsPerSecond = rate,
            EstimatedRemaining = RateEstimator.EstimateRemaining(values.Total, processed, rate),
            PercentComplete = values.Total switch
            {
                null => null,
                0 => 100,
                { } total => Math.Min(100, 100.0 * processed / total),
            },
        };
    }

    private static string Describe(JobState state) => state.ToString().ToLowerInvariant();
}
