using Microsoft.Extensions.Logging;

namespace Ingestion.Core.Tests.Jobs;

/// <summary>Commands that race each other, or race the job's own progress, and the invariants that must hold anyway.</summary>
public class JobManagerRaceTests
{
    [Fact]
    public async Task RapidPauseAndResume_NeverLetAnItemRun_WhileTheJobIsPaused()
    {
        await using var fixture = new ManagerFixture();
        var job = await fixture.Manager.StartAsync(async (context, ct) =>
        {
            for (var i = 0; ; i++)
            {
                await context.WaitIfPausedAsync();

                // State events and log lines are numbered under the same lock, so their seq order is the true order.
                context.Logger.LogInformation("item {Item}", i);
                await Task.Yield();
            }
        });

        var togglers = Enumerable.Range(0, 2).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
            {
                await fixture.Manager.PauseAsync(job.Id);
                if ((i + t) % 3 == 0)
                {
                    // Now and then, long enough for the body to reach its check and acknowledge.
                    await Task.Delay(1);
                }

                await fixture.Manager.ResumeAsync(job.Id);
            }
        })).ToArray();
        await Task.WhenAll(togglers).OrTimeout();
        await fixture.Manager.CancelAsync(job.Id);
        await fixture.Sink.WaitForCompletionAsync(job.Id);

        var paused = false;
        var pausedCount = 0;
        foreach (var e in fixture.Sink.EventsOf(job.Id).OrderBy(e => e.Seq))
        {
            switch (e)
            {
                case JobStateChangedEvent state:
                    paused = state.State == JobState.Paused;
                    pausedCount += paused ? 1 : 0;
                    break;
                case JobLogEvent log when paused:
                    throw new InvalidOperationException($"'{log.Message}' (#{log.Seq}) ran while the job was Paused.");
            }
        }

        pausedCount.Should().BeGreaterThan(0, "the test must have caught the job paused at least once");
    }

    [Fact]
    public async Task ABodyThatReachesItsCheckWithAGateThatAResumeAlreadyOpened_DoesNotAcknowledgeTheNextPause()
    {
        await using var fixture = new ManagerFixture();
        var body = new GatedBody(items: 3);
        var job = await fixture.Manager.StartAsync(body.Body);
        await body.WaitUntilStartedAsync(1);
        var run = fixture.Manager.FindRun(job.Id)!;

        // The body read the first pause's gate at its check, then was preempted while a resume and a new pause ran.
        await fixture.Manager.PauseAsync(job.Id);
        var stale = run.CurrentGate!;
        await fixture.Manager.ResumeAsync(job.Id);
        await fixture.Manager.PauseAsync(job.Id);
        run.AcknowledgePause(stale);

        run.State.Should().Be(JobState.Pausing, "the stale gate is open: the body will go on, so the job is not paused");
        run.AcknowledgePause(run.CurrentGate!);
        run.State.Should().Be(JobState.Paused);
        await fixture.Manager.CancelAsync(job.Id);
        body.Release(3);
    }

    [Fact]
    public async Task CancelWhileAQueuedJobStarts_AlwaysCancelsIt()
    {
        for (var round = 0; round < 30; round++)
        {
            await using var fixture = new ManagerFixture(o => o.MaxConcurrentJobs = 1);
            var first = new GatedBody(items: 1);
            var firstJob = await fixture.Manager.StartAsync(first.Body);
            var second = new GatedBody(items: 1);
            var queued = await fixture.Manager.StartAsync(second.Body);

            var release = Task.Run(() => first.Release());
            var cancel = await fixture.Manager.CancelAsync(queued.Id);
            await release;

            cancel.Status.Should().Be(JobCommandStatus.Applied, $"round {round}: {cancel.Message}");
            second.Release();
            (await fixture.Manager.WaitForCompletionAsync(queued.Id).OrTimeout()).State.Should().Be(JobState.Cancelled, $"round {round}");
            await fixture.Manager.WaitForCompletionAsync(firstJob.Id).OrTimeout();
        }
    }

    [Fact]
    public async Task ResumeAndCancelOfAnInterruptedJob_AtOnce_NeverRunTheJobTwice_AndEndCancelled()
    {
        for (var round = 0; round < 20; round++)
        {
            var (store, registration, jobId, runs) = await InterruptedJobAsync();
            await using var fixture = new ManagerFixture(store: store, jobs: [registration]);

            var resume = Task.Run(async () => await fixture.Manager.ResumeAsync(jobId));
            var cancel = Task.Run(async () => await fixture.Manager.CancelAsync(jobId));
            var results = await Task.WhenAll(resume, cancel).OrTimeout();

            results[1].Status.Should().Be(JobCommandStatus.Applied, $"round {round}: a cancel of an interrupted or resumed job applies ({results[1].Message})");
            results[0].Status.Should().BeOneOf([JobCommandStatus.Applied, JobCommandStatus.InvalidTransition], $"round {round}");
            var final = await fixture.Manager.WaitForCompletionAsync(jobId).OrTimeout();
            await Wait.UntilAsync(async () => (await store.GetAsync(jobId, CancellationToken.None))!.State == JobState.Cancelled, $"round {round}: the store says cancelled");
            final.State.Should().Be(JobState.Cancelled, $"round {round}");
            Volatile.Read(ref runs.Value).Should().BeLessThanOrEqualTo(2, $"round {round}: the first run, and at most one resumed run");
            (await fixture.Manager.ListLiveAsync()).Should().BeEmpty();
        }
    }

    [Fact]
    public async Task TwoResumesOfAnInterruptedJob_AtOnce_StartItOnce()
    {
        for (var round = 0; round < 20; round++)
        {
            var (store, registration, jobId, runs) = await InterruptedJobAsync();
            await using var fixture = new ManagerFixture(store: store, jobs: [registration]);

            var results = await Task.WhenAll(
                Task.Run(async () => await fixture.Manager.ResumeAsync(jobId)),
                Task.Run(async () => await fixture.Manager.ResumeAsync(jobId))).OrTimeout();

            results.Count(r => r.Status == JobCommandStatus.Applied).Should().Be(1, $"round {round}: {results[0].Message} / {results[1].Message}");
            await Wait.UntilAsync(() => Volatile.Read(ref runs.Value) == 2, $"round {round}: the resumed run starts");
            await fixture.Manager.CancelAsync(jobId);
            (await fixture.Manager.WaitForCompletionAsync(jobId).OrTimeout()).RunCount.Should().Be(2);
            Volatile.Read(ref runs.Value).Should().Be(2, $"round {round}: one resumed run only");
        }
    }

    [Fact]
    public async Task ACancelRequestedBeforeTheHostStops_EndsCancelled_NotInterrupted()
    {
        var fixture = new ManagerFixture();
        var body = new GatedBody(items: 5);
        var job = await fixture.Manager.StartAsync(body.Body);
        await body.WaitUntilStartedAsync(1);

        (await fixture.Manager.CancelAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        var shutdown = fixture.Manager.ShutdownAsync();
        body.Release();
        await shutdown.OrTimeout();

        (await fixture.StateOf(job.Id)).State.Should().Be(JobState.Cancelled, "the user's cancel stands");
    }

    [Fact]
    public async Task AStartThatIsSavingWhenTheHostStops_IsAccepted_AndEndsInterrupted_NotLeftQueued()
    {
        var store = new SlowStore();
        var fixture = new ManagerFixture(store: store);
        store.Hold();

        var start = Task.Run(async () => await fixture.Manager.StartAsync((_, _) => Task.CompletedTask));
        await store.Held.OrTimeout();
        var shutdown = fixture.Manager.ShutdownAsync();
        await Task.Delay(50);
        store.Release();

        var job = await start.OrTimeout();
        await shutdown.OrTimeout();
        (await store.GetAsync(job.Id, CancellationToken.None))!.State.Should().Be(JobState.Interrupted);
    }

    [Fact]
    public async Task Cancel_OfAPausedBodyThatWaitsWithoutAToken_StillWakesIt()
    {
        await using var fixture = new ManagerFixture();
        var job = await fixture.Manager.StartAsync(async (context, ct) =>
        {
            while (true)
            {
                await context.PauseToken.WaitIfPausedAsync(CancellationToken.None);
                await Task.Yield();
            }
        });
        await fixture.Manager.PauseAsync(job.Id);
        await fixture.Sink.WaitForStateAsync(job.Id, JobState.Paused);

        await fixture.Manager.CancelAsync(job.Id);

        (await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout()).State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task Pause_WhileTheHostIsStopping_IsRefused()
    {
        var fixture = new ManagerFixture(o => o.ShutdownGracePeriod = TimeSpan.FromSeconds(10));
        var body = new GatedBody(items: 5);
        var job = await fixture.Manager.StartAsync(body.Body);
        await body.WaitUntilStartedAsync(1);
        var shutdown = fixture.Manager.ShutdownAsync();
        await Wait.UntilAsync(async () => (await fixture.Manager.PauseAsync(job.Id)).Status == JobCommandStatus.InvalidTransition, "pause is refused once the host stops");

        body.Release(5);
        await shutdown.OrTimeout();
        (await fixture.StateOf(job.Id)).State.Should().Be(JobState.Interrupted);
    }

    /// <summary>A job of a registered kind, interrupted by the shutdown of an earlier manager, in a store the test can reuse.</summary>
    private static async Task<(InMemoryJobStore Store, JobRegistration Registration, string JobId, StrongBox<int> Runs)> InterruptedJobAsync()
    {
        var store = new InMemoryJobStore();
        var runs = new StrongBox<int>();
        var registration = JobRegistration.Create("endless", async (context, ct) =>
        {
            Interlocked.Increment(ref runs.Value);
            while (true)
            {
                await context.WaitIfPausedAsync();
                await Task.Delay(1, ct);
            }
        });
        await using (var earlier = new ManagerFixture(store: store, jobs: [registration]))
        {
            var job = await earlier.Manager.StartAsync("endless");
            await Wait.UntilAsync(() => Volatile.Read(ref runs.Value) == 1, "the first run starts");
            await earlier.Manager.ShutdownAsync();
            (await store.GetAsync(job.Id, CancellationToken.None))!.State.Should().Be(JobState.Interrupted);
            return (store, registration, job.Id, runs);
        }
    }

    private sealed class StrongBox<T>
    {
        public T Value = default!;
    }

    /// <summary>A store whose next write can be held until the test lets it go.</summary>
    private sealed class SlowStore : IJobStore
    {
        private readonly InMemoryJobStore _inner = new();
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _holdNext;

        public Task Held => _held.Task;

        public void Hold() => Volatile.Write(ref _holdNext, 1);

        public void Release() => _released.TrySetResult();

        public async ValueTask SaveAsync(JobSnapshot job, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _holdNext, 0) == 1)
            {
                _held.TrySetResult();
                await _released.Task;
            }

            await _inner.SaveAsync(job, cancellationToken);
        }

        public ValueTask<JobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken) => _inner.GetAsync(jobId, cancellationToken);

        public ValueTask<JobHistoryPage> QueryAsync(JobHistoryQuery query, CancellationToken cancellationToken) => _inner.QueryAsync(query, cancellationToken);
    }
}
