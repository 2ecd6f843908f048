namespace Ingestion.Core;

/// <summary>
/// The bounded queue between a job's events and one consumer (a sink or a subscriber). Writing never blocks and never
/// fails: progress events coalesce (a newer one for the same job replaces the pending one), state, completion and
/// snapshot events are always kept, and log lines beyond the capacity are dropped, to be reported as a
/// <see cref="JobGapEvent"/> just before that job's next event. Events of one job leave in the order they came in.
/// </summary>
/// <remarks>One consumer; any number of writers. Every member takes the queue's own short lock and nothing else.</remarks>
internal sealed class EventQueue
{
    private readonly Lock _lock = new();
    private readonly LinkedList<JobEvent> _events = new();
    private readonly Dictionary<string, LinkedListNode<JobEvent>> _pendingProgress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingGap> _pendingGaps = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly TimeProvider _timeProvider;
    private readonly Action? _onDropped;
    private int _logCount;
    private long _dropped;
    private long _coalesced;
    private bool _completed;
    private TaskCompletionSource<bool>? _reader;

    public EventQueue(int capacity, TimeProvider timeProvider, Action? onDropped = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _timeProvider = timeProvider;
        _onDropped = onDropped;
    }

    /// <summary>Log lines dropped because the consumer fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Progress events replaced by a newer one before the consumer read them.</summary>
    public long Coalesced => Interlocked.Read(ref _coalesced);

    /// <summary>Events waiting to be read.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>Adds an event. Returns false only when the queue was completed.</summary>
    public bool Enqueue(JobEvent jobEvent)
    {
        var dropped = false;
        lock (_lock)
        {
            if (_completed)
            {
                return false;
            }

            switch (jobEvent.Kind)
            {
                case JobEventKind.Log when _logCount >= _capacity:
                    RecordDrop(jobEvent);
                    dropped = true;
                    break;
                case JobEventKind.Progress:
                    FlushGap(jobEvent.JobId);
                    if (_pendingProgress.Remove(jobEvent.JobId, out var stale))
                    {
                        _events.Remove(stale);
                        _coalesced++;
                    }

                    _pendingProgress[jobEvent.JobId] = _events.AddLast(jobEvent);
                    break;
                case JobEventKind.Log:
                    FlushGap(jobEvent.JobId);
                    _events.AddLast(jobEvent);
                    _logCount++;
                    break;
                default:
                    FlushGap(jobEvent.JobId);
                    _events.AddLast(jobEvent);
                    break;
            }

            WakeReader(true);
        }

        if (dropped)
        {
            _onDropped?.Invoke();
        }

        return true;
    }

    public bool TryDequeue(out JobEvent jobEvent)
    {
        lock (_lock)
        {
            var first = _events.First;
            if (first is null)
            {
                jobEvent = null!;
                return false;
            }

            _events.RemoveFirst();
            jobEvent = first.Value;
            switch (jobEvent.Kind)
            {
                case JobEventKind.Progress:
                    _pendingProgress.Remove(jobEvent.JobId);
                    break;
                case JobEventKind.Log:
                    _logCount--;
                    break;
            }

            return true;
        }
    }

    /// <summary>Waits until an event can be read (true) or the queue is completed and empty (false).</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        Task<bool> wait;
        lock (_lock)
        {
            if (_events.Count > 0)
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            _reader ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _reader.Task;
        }

        return new ValueTask<bool>(wait.WaitAsync(cancellationToken));
    }

    /// <summary>No more events will be written; the reader drains what is left. Pending gaps are delivered first.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            foreach (var jobId in _pendingGaps.Keys.ToArray())
            {
                FlushGap(jobId);
            }

            _completed = true;
            WakeReader(_events.Count > 0);
        }
    }

    private void RecordDrop(JobEvent jobEvent)
    {
        _dropped++;
        _pendingGaps[jobEvent.JobId] = _pendingGaps.TryGetValue(jobEvent.JobId, out var gap)
            ? gap with { To = jobEvent.Seq, Count = gap.Count + 1 }
            : new PendingGap(jobEvent.Seq, jobEvent.Seq, 1);
    }

    private void FlushGap(string jobId)
    {
        if (_pendingGaps.Remove(jobId, out var gap))
        {
            _events.AddLast(new JobGapEvent
            {
                JobId = jobId,
                Seq = gap.To,
                Timestamp = _timeProvider.GetUtcNow(),
                FromSeq = gap.From,
                ToSeq = gap.To,
                Dropped = gap.Count,
            });
        }
    }

    private void WakeReader(bool result)
    {
        var reader = _reader;
        if (reader is not null)
        {
            _reader = null;
            reader.TrySetResult(result);
        }
    }

    private readonly record struct PendingGap(long From, long To, long Count);
}
