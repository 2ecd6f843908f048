using Microsoft.Extensions.Logging;

namespace Ingestion.Core.Tests.Events;

public class EventQueueTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Progress_Coalesces_ToTheNewest_InItsNewPlace()
    {
        var queue = new EventQueue(capacity: 10, TimeProvider.System);

        queue.Enqueue(Progress("a", 1, processed: 1));
        queue.Enqueue(Log("a", 2));
        queue.Enqueue(Progress("a", 3, processed: 2));
        queue.Enqueue(Progress("b", 4, processed: 7));

        Drain(queue).Select(e => (e.JobId, e.Seq)).Should().Equal(("a", 2), ("a", 3), ("b", 4));
        queue.Coalesced.Should().Be(1);
    }

    [Fact]
    public void LogLines_BeyondTheCapacity_AreDropped_AndReportedAsAGap_BeforeTheJobsNextEvent()
    {
        var queue = new EventQueue(capacity: 2, TimeProvider.System);

        queue.Enqueue(Log("a", 1));
        queue.Enqueue(Log("a", 2));
        queue.Enqueue(Log("a", 3));
        queue.Enqueue(Log("a", 4));
        queue.Enqueue(State("a", 5, JobState.Paused));

        var events = Drain(queue);
        events.Select(e => e.Seq).Should().Equal(1, 2, 4, 5);
        var gap = events[2].Should().BeOfType<JobGapEvent>().Subject;
        gap.FromSeq.Should().Be(3);
        gap.ToSeq.Should().Be(4);
        gap.Dropped.Should().Be(2);
        queue.Dropped.Should().Be(2);
    }

    [Fact]
    public void StateCompletionAndSnapshotEvents_AreKept_WhereLogLinesAreDropped()
    {
        var queue = new EventQueue(capacity: 5, TimeProvider.System);

        for (var seq = 1; seq <= 20; seq += 2)
        {
            queue.Enqueue(Log("a", seq));
            if (seq < 10)
            {
                queue.Enqueue(State("a", seq + 1, JobState.Running));
            }
        }

        var events = Drain(queue);
        events.OfType<JobStateChangedEvent>().Should().HaveCount(5, "kept events are not dropped while under the capacity");
        events.OfType<JobLogEvent>().Should().HaveCount(5);
        queue.Dropped.Should().Be(5);
    }

    [Fact]
    public void AConsumerThatStopsReading_CostsBoundedMemory_TheBacklogBecomesOneGapPerJob()
    {
        var dropped = 0L;
        var queue = new EventQueue(capacity: 100, TimeProvider.System, n => dropped += n);

        for (var seq = 1; seq <= 150; seq++)
        {
            queue.Enqueue(State("a", seq, JobState.Running));
            queue.Enqueue(State("b", seq, JobState.Running));
        }

        queue.Count.Should().BeLessThanOrEqualTo(100 + 2, "never more kept events than the capacity, plus a gap per job");
        var events = Drain(queue);
        foreach (var job in new[] { "a", "b" })
        {
            var ofJob = events.Where(e => e.JobId == job).ToArray();
            var gap = ofJob[0].Should().BeOfType<JobGapEvent>("the backlog was replaced by a gap").Subject;
            gap.FromSeq.Should().Be(1);
            ofJob.Skip(1).Select(e => e.Seq).Should().BeInAscendingOrder().And.OnlyContain(s => s > gap.ToSeq);
            ofJob[^1].Seq.Should().Be(150, "what came after the collapse is all there");
            (gap.Dropped!.Value + ofJob.Length - 1).Should().Be(150, "every event is either delivered or counted in the gap");
        }

        dropped.Should().Be(queue.Dropped).And.BeGreaterThan(0);
    }

    [Fact]
    public async Task Complete_DeliversPendingGaps_ThenEndsTheReader()
    {
        var queue = new EventQueue(capacity: 1, TimeProvider.System);
        queue.Enqueue(Log("a", 1));
        queue.Enqueue(Log("a", 2));

        queue.Complete();

        queue.Enqueue(Log("a", 3)).Should().BeFalse("a completed queue takes nothing more");
        Drain(queue).Select(e => e.Kind).Should().Equal(JobEventKind.Log, JobEventKind.Gap);
        (await queue.WaitToReadAsync(CancellationToken.None)).Should().BeFalse();
    }

    [Fact]
    public async Task WaitToReadAsync_WakesWhenAnEventArrives()
    {
        var queue = new EventQueue(capacity: 1, TimeProvider.System);
        var wait = queue.WaitToReadAsync(CancellationToken.None).AsTask();
        wait.IsCompleted.Should().BeFalse();

        queue.Enqueue(Log("a", 1));

        (await wait.OrTimeout()).Should().BeTrue();
    }

    [Fact]
    public async Task EventsOfOneJob_KeepTheirOrder_UnderConcurrentWritersOfOtherJobs()
    {
        var queue = new EventQueue(capacity: 100_000, TimeProvider.System);
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var seq = 1; seq <= 5000; seq++)
            {
                queue.Enqueue(Log($"job{w}", seq));
            }
        })).ToArray();
        await Task.WhenAll(writers).OrTimeout();

        var events = Drain(queue);
        events.Should().HaveCount(20_000);
        foreach (var job in events.GroupBy(e => e.JobId))
        {
            job.Select(e => e.Seq).Should().BeInAscendingOrder();
        }
    }

    private static List<JobEvent> Drain(EventQueue queue)
    {
        var events = new List<JobEvent>();
        while (queue.TryDequeue(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    private static JobProgressEvent Progress(string job, long seq, long processed)
        => new() { JobId = job, Seq = seq, Timestamp = At, Progress = new JobProgress { Processed = processed } };

    private static JobLogEvent Log(string job, long seq)
        => new() { JobId = job, Seq = seq, Timestamp = At, Level = LogLevel.Information, Message = $"line {seq}" };

    private static JobStateChangedEvent State(string job, long seq, JobState state)
        => new() { JobId = job, Seq = seq, Timestamp = At, State = state };
}
