namespace Ingestion.Core;

/// <summary>
/// The bounded queue between a job's events and one consumer (a sink or a subscriber). Writing never blocks and never
/// fails: progress events coalesce (a newer one for the same job replaces the pending one), state, completion and
/// snapshot events are kept, and log lines beyond the capacity are dropped, to be reported as a
/// <see cref="JobGapEvent"/> just before that job's next event. Events of one job leave in the order they came in.
/// </summary>
/// <remarks>
/// A consumer that stops reading altogether must not cost unbounded memory: once as many kept events wait as the
/// capacity, everything waiting is replaced by one gap per job (the consumer can catch up from the journal or the
/// store), and the queue goes on from there.
/// </remarks>
/// <remarks>One consumer; any number of writers. Every member takes the queue's own short lock and nothing else.</remarks>
internal sealed class EventQueue
{
    private readonly Lock _lock = new();
    private readonly LinkedList<JobEvent> _events = new();
    private readonly Dictionary<string, LinkedListNode<JobEvent>> _pendingProgress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingGap> _pendingGaps = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly TimeProvider _timeProvider;
    private readonly Action<long>? _onDropped;
    private int _logCount;
    private int _keptCount;
    private long _dropped;
    private long _coalesced;
    private bool _completed;
    private TaskCompletionSource<bool>? _reader;

    public EventQueue(int capacity, TimeProvider timeProvider, Action<long>? onDropped = null)
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
        long droppedNow;
        lock (_lock)
        {
            if (_completed)
            {
                return false;
            }

            var droppedBefore = _dropped;

            switch (jobEvent.Kind)
            {
                case JobEventKind.Log when _logCount >= _capacity:
                    RecordDrop(jobEvent);
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
                    if (_keptCount >= _capacity)
                    {
                        CollapseIntoGaps();
                    }

                    FlushGap(jobEvent.JobId);
                    _events.AddLast(jobEvent);
                    _keptCount++;
                    break;
            }

            WakeReader(true);
            droppedNow = _dropped - droppedBefore;
        }

        if (droppedNow > 0)
        {
            _onDropped?.Invoke(droppedNow);
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
                default:
                    _keptCount--;
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

    /// <summary>Replaces every waiting event by one gap per job, covering what was waiting and what was already dropped.</summary>
    private void CollapseIntoGaps()
    {
        var gaps = new Dictionary<string, PendingGap>(StringComparer.Ordinal);
        foreach (var waiting in _events)
        {
            var (from, to, count) = waiting is JobGapEvent gap ? (gap.FromSeq, gap.ToSeq, gap.Dropped ?? 1) : (waiting.Seq, waiting.Seq, 1L);
            _dropped += waiting is JobGapEvent ? 0 : 1;
            gaps[waiting.JobId] = gaps.TryGetValue(waiting.JobId, out var known)
                ? new PendingGap(Math.Min(known.From, from), Math.Max(known.To, to), known.Count + count)
                : new PendingGap(from, to, count);
        }

        foreach (var (jobId, pending) in _pendingGaps)
        {
            gaps[jobId] = gaps.TryGetValue(jobId, out var known)
                ? new PendingGap(Math.Min(known.From, pending.From), Math.Max(known.To, pending.To), known.Count + pending.Count)
                : pending;
        }

        _events.Clear();
        _pendingProgress.Clear();
        _pendingGaps.Clear();
        _logCount = 0;
        _keptCount = 0;
        foreach (var (jobId, gap) in gaps)
        {
            _pendingGaps[jobId] = gap;
            FlushGap(jobId);
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
            _keptCount++;
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
