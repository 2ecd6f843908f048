using Microsoft.Extensions.Logging;

namespace Ingestion.Core.Tests.Sinks;

public class SinkDispatchTests
{
    [Fact]
    public async Task ThrowingSink_DoesNotAffectTheJob_OrTheOtherSinks_AndItsFailuresAreCounted()
    {
        var throwing = new ThrowingSink();
        await using var fixture = new ManagerFixture(extraSinks: throwing);

        var job = await fixture.Manager.StartAsync((context, _) =>
        {
            for (var i = 0; i < 10; i++)
            {
                context.Logger.LogInformation("line {Line}", i);
                context.Progress.IncrementSucceeded();
            }

            return Task.CompletedTask;
        });

        var completed = await fixture.Sink.WaitForCompletionAsync(job.Id);
        completed.Summary.State.Should().Be(JobState.Completed);
        completed.Summary.Progress.Succeeded.Should().Be(10);
        fixture.Sink.EventsOf(job.Id).OfType<JobLogEvent>().Should().HaveCount(10);
        var offered = fixture.Sink.EventsOf(job.Id).Count;
        SinkStatistics Statistics() => fixture.Manager.GetSinkStatistics().Single(s => s.Name == nameof(ThrowingSink));
        await Wait.UntilAsync(() => Statistics().Failed == offered, "every event the throwing sink was offered is counted as failed");
        throwing.Calls.Should().Be(offered);
        Statistics().Delivered.Should().Be(0);
    }

    [Fact]
    public async Task BlockedSink_DoesNotSlowTheJob_DropsOnlyLogLines_AndGetsEveryStateAndTheCompletion()
    {
        var blocked = new BlockedSink();
        await using var fixture = new ManagerFixture(o => o.QueueCapacity = 20, extraSinks: blocked);

        var job = await fixture.Manager.StartAsync((context, _) =>
        {
            for (var i = 0; i < 1000; i++)
            {
                context.Logger.LogInformation("line {Line}", i);
                context.Progress.IncrementSucceeded();
            }

            return Task.CompletedTask;
        });

        (await fixture.Sink.WaitForCompletionAsync(job.Id)).Summary.Progress.Succeeded.Should().Be(1000);
        var statistics = fixture.Manager.GetSinkStatistics().Single(s => s.Name == nameof(BlockedSink));
        statistics.Dropped.Should().BeGreaterThan(900, "the blocked sink could hold only 20 log lines");
        statistics.Queued.Should().BeGreaterThan(0);

        blocked.Unblock();
        await blocked.Collected.WaitForCompletionAsync(job.Id);
        var received = blocked.Collected.EventsOf(job.Id);
        received.OfType<JobStateChangedEvent>().Select(s => s.State).Should().Equal(JobState.Queued, JobState.Running, JobState.Completed);
        received.OfType<JobGapEvent>().Sum(g => g.Dropped!.Value).Should().Be(statistics.Dropped);
        received.OfType<JobLogEvent>().Count().Should().Be(1000 - (int)statistics.Dropped);
        received.Select(e => e.Seq).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task Sinks_SeeEachJobsEvents_InSequenceOrder()
    {
        await using var fixture = new ManagerFixture(o => o.MaxConcurrentJobs = 4);
        var jobs = new List<JobSnapshot>();
        for (var j = 0; j < 4; j++)
        {
            jobs.Add(await fixture.Manager.StartAsync(async (context, ct) =>
            {
                for (var i = 0; i < 200; i++)
                {
                    await context.WaitIfPausedAsync();
                    context.Logger.LogInformation("line {Line}", i);
                    context.Progress.IncrementSucceeded();
                }
            }));
        }

        foreach (var job in jobs)
        {
            await fixture.Sink.WaitForCompletionAsync(job.Id);
            var seqs = fixture.Sink.EventsOf(job.Id).Select(e => e.Seq).ToArray();
            seqs.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
            seqs[0].Should().Be(1);
        }
    }

    private sealed class ThrowingSink : IProgressSink
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            throw new InvalidOperationException("this sink always fails");
        }
    }

    private sealed class BlockedSink : IProgressSink
    {
        private readonly TaskCompletionSource _unblocked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CollectingSink Collected { get; } = new();

        public void Unblock() => _unblocked.TrySetResult();

        public async ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
        {
            await _unblocked.Task.WaitAsync(cancellationToken);
            await Collected.EmitAsync(jobEvent, cancellationToken);
        }
    }
}
