namespace Ingestion.Core;

/// <summary>
/// A job's recent history for late subscribers and <c>since</c> replays: the last N state changes, log lines and
/// completions (progress is not kept: the snapshot has the latest). Remembers the newest sequence number it evicted,
/// so a replay from before it can say that entries are gone.
/// </summary>
/// <remarks>Not thread-safe: the owning job calls it under its own lock.</remarks>
internal sealed class JobJournal
{
    private readonly JobEvent[] _entries;
    private int _start;
    private int _count;
    private readonly bool _earlierHistoryLost;
    private long _firstEvictedSeq;
    private long _evictedThroughSeq;
    private long _evicted;

    /// <param name="capacity">How many entries to keep.</param>
    /// <param name="lostThroughSeq">
    /// For a journal that continues an earlier run (a resume after a restart): the last sequence number of that run,
    /// whose entries this journal never had.
    /// </param>
    public JobJournal(int capacity, long lostThroughSeq = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(lostThroughSeq);
        _entries = new JobEvent[capacity];
        _evictedThroughSeq = lostThroughSeq;
        _earlierHistoryLost = lostThroughSeq > 0;
    }

    /// <summary>How many entries were evicted in all.</summary>
    public long Evicted => _evicted;

    public static bool Keeps(JobEvent jobEvent) => jobEvent.Kind is JobEventKind.State or JobEventKind.Log or JobEventKind.Completed;

    public void Append(JobEvent jobEvent)
    {
        if (!Keeps(jobEvent))
        {
            return;
        }

        if (_count == _entries.Length)
        {
            if (_evicted == 0)
            {
                _firstEvictedSeq = _entries[_start].Seq;
            }

            _evictedThroughSeq = _entries[_start].Seq;
            _evicted++;
            _entries[_start] = jobEvent;
            _start = (_start + 1) % _entries.Length;
            return;
        }

        _entries[(_start + _count) % _entries.Length] = jobEvent;
        _count++;
    }

    /// <summary>
    /// The kept entries after <paramref name="since"/>, preceded by a gap when some of them were evicted.
    /// </summary>
    public void Replay(long since, List<JobEvent> into, TimeProvider timeProvider, string jobId)
    {
        if (since < _evictedThroughSeq)
        {
            into.Add(new JobGapEvent
            {
                JobId = jobId,
                Seq = _evictedThroughSeq,
                Timestamp = timeProvider.GetUtcNow(),
                FromSeq = since + 1,
                ToSeq = _evictedThroughSeq,
                Dropped = !_earlierHistoryLost && since < _firstEvictedSeq ? _evicted : null,
            });
        }

        for (var i = 0; i < _count; i++)
        {
            var entry = _entries[(_start + i) % _entries.Length];
            if (entry.Seq > since)
            {
                into.Add(entry);
            }
        }
    }
}
