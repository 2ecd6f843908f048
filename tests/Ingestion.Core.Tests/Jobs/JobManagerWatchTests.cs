using Microsoft.Extensions.Logging;

namespace Ingestion.Core.Tests.Jobs;

public class JobManagerWatchTests
{
    [Fact]
    public async Task LateSubscriber_GetsTheSnapshot_ThenTheJournal_ThenLiveEvents()
    {
        await using var fixture = new ManagerFixture();
        var proceed = new TaskCompletionSource();
        var job = await fixture.Manager.StartAsync(async (context, ct) =>
        {
            for (var i = 1; i <= 5; i++)
            {
                context.Progress.IncrementSucceeded();
                context.Logger.LogInformation("line {Line}", i);
            }

            await proceed.Task.WaitAsync(ct);
            context.Logger.LogInformation("after the subscriber joined");
        });
        await fixture.Sink.WaitForAsync(events => events.OfType<JobLogEvent>().Count(e => e.JobId == job.Id) == 5);

        await using var watch = fixture.Manager.WatchAsync(job.Id).GetAsyncEnumerator();
        (await watch.MoveNextAsync()).Should().BeTrue();
        var snapshot = watch.Current.Should().BeOfType<JobSnapshotEvent>().Subject;
        snapshot.Job.State.Should().Be(JobState.Running);
        snapshot.Job.Progress.Succeeded.Should().Be(5);
        snapshot.Seq.Should().Be(snapshot.Job.LastSeq);

        var prelude = new List<JobEvent>();
        while (prelude.Count < 7 && await watch.MoveNextAsync())
        {
            prelude.Add(watch.Current);
        }

        prelude.OfType<JobStateChangedEvent>().Select(e => e.State).Should().Equal(JobState.Queued, JobState.Running);
        prelude.OfType<JobLogEvent>().Select(e => e.Message).Should().Equal("line 1", "line 2", "line 3", "line 4", "line 5");
        prelude.Should().OnlyContain(e => e.Seq <= snapshot.Seq, "the journal holds what happened before the snapshot");

        proceed.SetResult();
        var live = new List<JobEvent>();
        while (await watch.MoveNextAsync())
        {
            live.Add(watch.Current);
        }

        live.Should().OnlyContain(e => e.Seq > snapshot.Seq);
        live.Select(e => e.Seq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        live.OfType<JobLogEvent>().Select(e => e.Message).Should().Equal("after the subscriber joined");
        live[^1].Should().BeOfType<JobCompletedEvent>().Which.Summary.State.Should().Be(JobState.Completed);
    }

    [Fact]
    public async Task Reconnect_WithSince_ReplaysExactlyWhatWasMissed_WithNoGapAndNoDuplicate()
    {
        await using var fixture = new ManagerFixture();
        var gate = new SemaphoreSlim(0);
        var job = await fixture.Manager.StartAsync(async (context, ct) =>
        {
            for (var i = 1; i <= 30; i++)
            {
                await gate.WaitAsync(ct);
                context.Logger.LogInformation("line {Line}", i);
            }
        });

        // A first client reads up to line 10, then its connection drops.
        gate.Release(10);
        long lastSeen = 0;
        await foreach (var e in fixture.Manager.WatchAsync(job.Id))
        {
            lastSeen = e.Seq;
            if (e is JobLogEvent { Message: "line 10" })
            {
                break;
            }
        }

        // Meanwhile the job goes on.
        gate.Release(10);
        await fixture.Sink.WaitForAsync(events => events.OfType<JobLogEvent>().Any(l => l.Message == "line 20"));

        // It reconnects with the last sequence number it saw, and the job finishes while it watches.
        var received = new List<JobEvent>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in fixture.Manager.WatchAsync(job.Id, since: lastSeen))
            {
                received.Add(e);
            }
        });
        gate.Release(10);
        await watching.OrTimeout();

        received[0].Should().BeOfType<JobSnapshotEvent>();
        received.Should().NotContain(e => e is JobGapEvent);
        var logs = received.OfType<JobLogEvent>().Select(l => l.Message).ToArray();
        logs.Should().Equal(Enumerable.Range(11, 20).Select(i => $"line {i}"), "every line after the last one seen, once");
        received.Skip(1).Should().OnlyContain(e => e.Seq > lastSeen);
        received.Skip(1).Select(e => e.Seq).Should().OnlyHaveUniqueItems();
        received[^1].Should().BeOfType<JobCompletedEvent>();
    }

    [Fact]
    public async Task Replay_FromBeforeTheJournalsOldestEntry_SaysEntriesWereDropped()
    {
        await using var fixture = new ManagerFixture(o => o.JournalCapacity = 5);
        var job = await fixture.Manager.StartAsync((context, _) =>
        {
            for (var i = 1; i <= 20; i++)
            {
                context.Logger.LogInformation("line {Line}", i);
            }

            return Task.CompletedTask;
        });
        await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();

        var events = await ToListAsync(fixture.Manager.WatchAsync(job.Id, since: 0));

        events[0].Should().BeOfType<JobSnapshotEvent>().Which.Job.State.Should().Be(JobState.Completed);
        var gap = events[1].Should().BeOfType<JobGapEvent>().Subject;
        gap.FromSeq.Should().Be(1);
        gap.Dropped.Should().BeGreaterThan(0);
        events.Skip(2).Should().HaveCount(5).And.OnlyContain(e => e.Seq > gap.ToSeq);
        events[^1].Should().BeOfType<JobCompletedEvent>();
    }

    [Fact]
    public async Task Watch_OfAFinishedJob_GivesItsSnapshotAndJournal_ThenEnds()
    {
        await using var fixture = new ManagerFixture();
        var job = await fixture.Manager.StartAsync((_, _) => Task.CompletedTask);
        await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();

        var events = await ToListAsync(fixture.Manager.WatchAsync(job.Id)).OrTimeout();

        events[0].Should().BeOfType<JobSnapshotEvent>().Which.Job.State.Should().Be(JobState.Completed);
        events[^1].Should().BeOfType<JobCompletedEvent>();
    }

    [Fact]
    public async Task Watch_OfAJobOnlyTheStoreStillKnows_GivesItsSnapshotAndAGap_ThenEnds()
    {
        var store = new InMemoryJobStore();
        await using (var earlier = new ManagerFixture(store: store))
        {
            var job = await earlier.Manager.StartAsync((_, _) => Task.CompletedTask);
            await earlier.Manager.WaitForCompletionAsync(job.Id).OrTimeout();

            await using var later = new ManagerFixture(store: store);
            var events = await ToListAsync(later.Manager.WatchAsync(job.Id)).OrTimeout();

            events.Should().HaveCount(2);
            events[0].Should().BeOfType<JobSnapshotEvent>().Which.Job.State.Should().Be(JobState.Completed);
            var gap = events[1].Should().BeOfType<JobGapEvent>("the store keeps the job, not its events").Subject;
            (gap.FromSeq, gap.ToSeq, gap.Dropped).Should().Be((1L, events[0].Seq, (long?)null));
            (await later.Manager.WaitForCompletionAsync(job.Id).OrTimeout()).State.Should().Be(JobState.Completed);
        }
    }

    [Fact]
    public async Task SlowWatcher_GetsCoalescedProgressAndAGap_AndDoesNotSlowTheJob()
    {
        await using var fixture = new ManagerFixture(o =>
        {
            o.QueueCapacity = 10;
            o.ProgressInterval = TimeSpan.FromMilliseconds(10);
        });
        var proceed = new TaskCompletionSource();
        var job = await fixture.Manager.StartAsync(async (context, ct) =>
        {
            await proceed.Task.WaitAsync(ct);
            for (var i = 1; i <= 500; i++)
            {
                context.Logger.LogInformation("line {Line}", i);
                context.Progress.IncrementSucceeded();
            }
        });

        await using var watch = fixture.Manager.WatchAsync(job.Id).GetAsyncEnumerator();
        (await watch.MoveNextAsync()).Should().BeTrue("the snapshot is there at once");

        // The watcher stops reading; the job runs to the end regardless.
        proceed.SetResult();
        (await fixture.Sink.WaitForCompletionAsync(job.Id)).Summary.Progress.Succeeded.Should().Be(500);

        var rest = new List<JobEvent>();
        while (await watch.MoveNextAsync())
        {
            rest.Add(watch.Current);
        }

        rest.OfType<JobGapEvent>().Should().NotBeEmpty();
        rest.OfType<JobLogEvent>().Count().Should().BeLessThan(500);
        rest.OfType<JobGapEvent>().Sum(g => g.Dropped!.Value).Should().Be(500 - rest.OfType<JobLogEvent>().Count());
        rest.OfType<JobStateChangedEvent>().Select(s => s.State).Should().Contain(JobState.Completed);
        rest[^1].Should().BeOfType<JobCompletedEvent>();
    }

    [Fact]
    public async Task WatchAll_AnnouncesEachJobWithItsSnapshot_IncludingJobsStartedLater()
    {
        await using var fixture = new ManagerFixture();
        var first = new GatedBody(items: 1);
        var firstJob = await fixture.Manager.StartAsync(first.Body);
        await fixture.Sink.WaitForStateAsync(firstJob.Id, JobState.Running);
        using var cts = new CancellationTokenSource();
        var received = new List<JobEvent>();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in fixture.Manager.WatchAllAsync(cts.Token))
                {
                    lock (received)
                    {
                        received.Add(e);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await Wait.UntilAsync(() => { lock (received) { return received.Count > 0; } }, "the first snapshot arrives");

        var second = await fixture.Manager.StartAsync((_, _) => Task.CompletedTask);
        await Wait.UntilAsync(() => { lock (received) { return received.Any(e => e.JobId == second.Id && e is JobCompletedEvent); } }, "the second job's completion is watched");

        first.Release();
        await Wait.UntilAsync(() => { lock (received) { return received.Any(e => e.JobId == firstJob.Id && e is JobCompletedEvent); } }, "the first job's completion is watched");
        await cts.CancelAsync();
        await watching.OrTimeout();

        JobEvent[] all;
        lock (received)
        {
            all = [.. received];
        }

        all[0].Should().BeOfType<JobSnapshotEvent>().Which.JobId.Should().Be(firstJob.Id);
        var secondEvents = all.Where(e => e.JobId == second.Id).ToArray();
        secondEvents[0].Should().BeOfType<JobSnapshotEvent>("a new job is announced by its snapshot");
        secondEvents.OfType<JobStateChangedEvent>().Select(s => s.State).Should().Equal(JobState.Queued, JobState.Running, JobState.Completed);
        foreach (var job in all.GroupBy(e => e.JobId))
        {
            job.Select(e => e.Seq).Should().BeInAscendingOrder();
        }
    }

    private static async Task<List<JobEvent>> ToListAsync(IAsyncEnumerable<JobEvent> events)
    {
        var list = new List<JobEvent>();
        await foreach (var e in events)
        {
            list.Add(e);
        }

        return list;
    }
}
