using Microsoft.Extensions.Logging;

namespace Ingestion.Core.Tests.Events;

public class JobJournalTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Replay_ReturnsTheKeptEntriesAfterSince_WithoutProgress()
    {
        var journal = new JobJournal(capacity: 10);
        journal.Append(State(1));
        journal.Append(new JobProgressEvent { JobId = "j", Seq = 2, Timestamp = At, Progress = JobProgress.Empty });
        journal.Append(Log(3));
        journal.Append(Log(4));

        Replay(journal, since: 0).Select(e => e.Seq).Should().Equal(1, 3, 4);
        Replay(journal, since: 3).Select(e => e.Seq).Should().Equal(4);
        Replay(journal, since: 4).Should().BeEmpty();
    }

    [Fact]
    public void Replay_FromBeforeTheEvictedEntries_StartsWithAGap()
    {
        var journal = new JobJournal(capacity: 3);
        for (var seq = 1; seq <= 10; seq++)
        {
            journal.Append(Log(seq));
        }

        var fromStart = Replay(journal, since: 0);
        var gap = fromStart[0].Should().BeOfType<JobGapEvent>().Subject;
        (gap.FromSeq, gap.ToSeq, gap.Dropped).Should().Be((1L, 7L, 7L));
        fromStart.Skip(1).Select(e => e.Seq).Should().Equal(8, 9, 10);

        var fromInside = Replay(journal, since: 4);
        var partial = fromInside[0].Should().BeOfType<JobGapEvent>().Subject;
        (partial.FromSeq, partial.ToSeq).Should().Be((5L, 7L));
        partial.Dropped.Should().BeNull("the journal does not know how many of the evicted entries came after 4");

        Replay(journal, since: 7).Select(e => e.Seq).Should().Equal(8, 9, 10);
        journal.Evicted.Should().Be(7);
    }

    private static List<JobEvent> Replay(JobJournal journal, long since)
    {
        var events = new List<JobEvent>();
        journal.Replay(since, events, TimeProvider.System, "j");
        return events;
    }

    private static JobLogEvent Log(long seq) => new() { JobId = "j", Seq = seq, Timestamp = At, Level = LogLevel.Information, Message = "m" };

    private static JobStateChangedEvent State(long seq) => new() { JobId = "j", Seq = seq, Timestamp = At, State = JobState.Running };
}
