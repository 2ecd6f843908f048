using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ingestion.Core.Tests.Jobs;

public class JobManagerShutdownTests
{
    [Fact]
    public async Task Shutdown_StopsRunningJobsAtTheirNextCheck_AndMarksThemInterrupted_WithTheirCheckpoint()
    {
        var store = new InMemoryJobStore();
        var fixture = new ManagerFixture(store: store);
        var body = new CheckpointingBody(items: 100);
        var job = await fixture.Manager.StartAsync(body.Body);
        await Wait.UntilAsync(() => body.Written.Count >= 10, "ten items are written");

        await fixture.Manager.ShutdownAsync().OrTimeout();

        var stored = (await store.GetAsync(job.Id, CancellationToken.None))!;
        stored.State.Should().Be(JobState.Interrupted);
        stored.FinishedAt.Should().NotBeNull();
        var checkpoint = int.Parse(stored.Checkpoint!, System.Globalization.CultureInfo.InvariantCulture);
        checkpoint.Should().Be(body.Written.Count - 1, "the checkpoint is the last item written");
        stored.Progress.Succeeded.Should().Be(body.Written.Count);
        (await fixture.Sink.WaitForCompletionAsync(job.Id)).Summary.State.Should().Be(JobState.Interrupted);
    }

    [Fact]
    public async Task Shutdown_MarksQueuedAndPausedJobsInterrupted_AtOnce()
    {
        var fixture = new ManagerFixture(o => o.MaxConcurrentJobs = 1);
        var body = new GatedBody(items: 5);
        var paused = await fixture.Manager.StartAsync(body.Body);
        var queued = await fixture.Manager.StartAsync((_, _) => Task.CompletedTask);
        await body.WaitUntilStartedAsync(1);
        await fixture.Manager.PauseAsync(paused.Id);
        body.Release();
        await fixture.Sink.WaitForStateAsync(paused.Id, JobState.Paused);

        await fixture.Manager.ShutdownAsync().OrTimeout();

        (await fixture.StateOf(paused.Id)).State.Should().Be(JobState.Interrupted);
        (await fixture.StateOf(queued.Id)).State.Should().Be(JobState.Interrupted);
        (await fixture.StateOf(queued.Id)).StartedAt.Should().BeNull();
    }

    [Fact]
    public async Task Shutdown_AfterTheGracePeriod_MarksABodyThatIgnoresCancellation_Interrupted_AnyWay()
    {
        var time = new FakeTimeProvider();
        var fixture = new ManagerFixture(o => o.ShutdownGracePeriod = TimeSpan.FromSeconds(30), time);
        var stubborn = new TaskCompletionSource();
        var job = await fixture.Manager.StartAsync(async (context, _) =>
        {
            await context.SaveCheckpointAsync("item-41");
            await stubborn.Task;
        });
        await Wait.UntilAsync(async () => (await fixture.StateOf(job.Id)).Checkpoint == "item-41", "the checkpoint is saved");

        var shutdown = fixture.Manager.ShutdownAsync();
        await Task.Delay(50);
        shutdown.IsCompleted.Should().BeFalse("the grace period has not passed");
        await Wait.UntilAsync(() => { time.Advance(TimeSpan.FromSeconds(1)); return shutdown.IsCompleted; }, "the grace period passes");

        var stored = await fixture.StateOf(job.Id);
        stored.State.Should().Be(JobState.Interrupted);
        stored.Checkpoint.Should().Be("item-41");

        stubborn.SetResult();
        await fixture.Logs.WaitForAsync(e => e.EventId.Id == 8 && e.Message.Contains(job.Id, StringComparison.Ordinal), "the late end is logged");
        (await fixture.StateOf(job.Id)).State.Should().Be(JobState.Interrupted, "a body that ends late does not change the outcome");
    }

    [Fact]
    public async Task ABodyInterruptedByForce_CannotSaveACheckpointAnyMore_SoAResumeElsewhereKeepsItsOwn()
    {
        var time = new FakeTimeProvider();
        var fixture = new ManagerFixture(o => o.ShutdownGracePeriod = TimeSpan.FromSeconds(30), time);
        var stubborn = new TaskCompletionSource();
        var lateSave = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var job = await fixture.Manager.StartAsync(async (context, _) =>
        {
            await context.SaveCheckpointAsync("item-41");
            await stubborn.Task;
            try
            {
                await context.SaveCheckpointAsync("item-99");
                lateSave.SetResult(null);
            }
            catch (Exception ex)
            {
                lateSave.SetResult(ex);
                throw;
            }
        });
        await Wait.UntilAsync(async () => (await fixture.StateOf(job.Id)).Checkpoint == "item-41", "the checkpoint is saved");
        var shutdown = fixture.Manager.ShutdownAsync();
        await Wait.UntilAsync(() => { time.Advance(TimeSpan.FromSeconds(1)); return shutdown.IsCompleted; }, "the grace period passes");

        stubborn.SetResult();

        (await lateSave.Task.OrTimeout()).Should().BeOfType<JobInterruptedException>();
        (await fixture.StateOf(job.Id)).Checkpoint.Should().Be("item-41", "the late save wrote nothing");
    }

    [Fact]
    public async Task Resume_AfterARestart_ContinuesFromTheCheckpoint_UnderTheSameId_WithNothingLostOrDoneTwice()
    {
        var store = new InMemoryJobStore();
        var written = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var registration = CheckpointingBody.Registration("numbers", written, items: 200);

        string jobId;
        await using (var first = new ManagerFixture(store: store, jobs: [registration]))
        {
            jobId = (await first.Manager.StartAsync("numbers")).Id;
            await Wait.UntilAsync(() => written.Count >= 50, "a quarter is written");
            await first.Manager.ShutdownAsync();
        }

        var interrupted = (await store.GetAsync(jobId, CancellationToken.None))!;
        interrupted.State.Should().Be(JobState.Interrupted);

        await using var second = new ManagerFixture(store: store, jobs: [registration]);
        var resume = await second.Manager.ResumeAsync(jobId);
        resume.Status.Should().Be(JobCommandStatus.Applied, resume.Message);

        var final = await second.Manager.WaitForCompletionAsync(jobId).OrTimeout();
        final.Id.Should().Be(jobId);
        final.State.Should().Be(JobState.Completed);
        final.RunCount.Should().Be(2);
        final.Progress.Succeeded.Should().Be(200, "the counters carry over from the first run");
        final.Progress.Elapsed.Should().BeGreaterThanOrEqualTo(interrupted.Progress.Elapsed);
        written.Should().BeEquivalentTo(Enumerable.Range(0, 200), "every item written exactly once across both runs");
        await second.Sink.WaitForCompletionAsync(jobId);   // the sink runs on its own queue, behind the watch
        var states = second.Sink.EventsOf(jobId).OfType<JobStateChangedEvent>().ToArray();
        states[0].PreviousState.Should().Be(JobState.Interrupted);
        states[0].State.Should().Be(JobState.Queued);
        states[0].Seq.Should().BeGreaterThan(interrupted.LastSeq, "sequence numbers go on from the earlier run");
    }

    [Fact]
    public async Task Recover_MarksJobsTheStoreShowsAsLive_Interrupted()
    {
        var store = new InMemoryJobStore();
        var crashed = new JobSnapshot { Id = "0123456789abcdef0123456789abcdef", Kind = "numbers", State = JobState.Running, Checkpoint = "7", RunCount = 1, LastSeq = 12 };
        var finished = new JobSnapshot { Id = "fedcba9876543210fedcba9876543210", Kind = "numbers", State = JobState.Completed, RunCount = 1 };
        await store.SaveAsync(crashed, CancellationToken.None);
        await store.SaveAsync(finished, CancellationToken.None);
        await using var fixture = new ManagerFixture(store: store);

        var recovered = await fixture.Manager.RecoverAsync();

        recovered.Should().Be(1);
        var after = (await store.GetAsync(crashed.Id, CancellationToken.None))!;
        after.State.Should().Be(JobState.Interrupted);
        after.Checkpoint.Should().Be("7");
        after.LastSeq.Should().Be(12);
        (await store.GetAsync(finished.Id, CancellationToken.None))!.State.Should().Be(JobState.Completed);
        (await fixture.Manager.RecoverAsync()).Should().Be(0, "recovering twice changes nothing");
    }

    [Fact]
    public async Task Cancel_OfAnInterruptedJob_EndsItForGood()
    {
        var store = new InMemoryJobStore();
        var crashed = new JobSnapshot { Id = "0123456789abcdef0123456789abcdef", Kind = "numbers", State = JobState.Interrupted, RunCount = 1, LastSeq = 3 };
        await store.SaveAsync(crashed, CancellationToken.None);
        await using var fixture = new ManagerFixture(store: store);

        var cancel = await fixture.Manager.CancelAsync(crashed.Id);

        cancel.Status.Should().Be(JobCommandStatus.Applied);
        cancel.State.Should().Be(JobState.Cancelled);
        (await store.GetAsync(crashed.Id, CancellationToken.None))!.State.Should().Be(JobState.Cancelled);
        (await fixture.Manager.ResumeAsync(crashed.Id)).Status.Should().Be(JobCommandStatus.InvalidTransition);
        (await fixture.Sink.WaitForCompletionAsync(crashed.Id)).Seq.Should().BeGreaterThan(3);
    }

    [Fact]
    public async Task SaveCheckpoint_WhenTheStoreFails_InterruptsTheJob_WithTheStoresError_AndResumeGoesOnOnceItIsBack()
    {
        var store = new FailingStore { FailCheckpoints = true };
        var written = new System.Collections.Concurrent.ConcurrentQueue<int>();
        await using var fixture = new ManagerFixture(store: store, jobs: [CheckpointingBody.Registration("numbers", written, 5)]);

        var job = await fixture.Manager.StartAsync("numbers");

        var stopped = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        stopped.State.Should().Be(JobState.Interrupted, "a store that cannot take a checkpoint is not the job's fault; it can go on later");
        stopped.Error!.Message.Should().Contain("checkpoint").And.Contain("database is gone");
        stopped.Error.Type.Should().Be(typeof(JobInterruptedException).FullName);
        await fixture.Sink.WaitForStateAsync(job.Id, JobState.Interrupted);   // the sink runs on its own queue, behind the watch
        fixture.Sink.EventsOf(job.Id).OfType<JobStateChangedEvent>().Last(e => e.State == JobState.Interrupted).Error!.Message.Should().Contain("database is gone");

        store.FailCheckpoints = false;
        (await fixture.Manager.ResumeAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();

        final.State.Should().Be(JobState.Completed);
        final.Error.Should().BeNull();
        final.RunCount.Should().Be(2);
        written.Should().Equal([0, 0, 1, 2, 3, 4], "the checkpoint after item 0 was never saved, so the resumed run starts from the last one that was: none");
    }

    [Fact]
    public async Task ABodyThatThrowsJobInterrupted_IsInterrupted_WithItsMessage_NotFailed()
    {
        await using var fixture = new ManagerFixture(jobs: [JobRegistration.Create("disk", (_, _) => throw new JobInterruptedException("the disk is full; free space, then resume"))]);

        var job = await fixture.Manager.StartAsync("disk");

        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Interrupted);
        final.Error!.Message.Should().Be("the disk is full; free space, then resume");
        (await fixture.Manager.GetAsync(job.Id))!.State.Should().Be(JobState.Interrupted);
        fixture.Logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains(job.Id, StringComparison.Ordinal) && e.Message.Contains("can be resumed from its last checkpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADelegateBodyThatThrowsJobInterrupted_IsFailed_ForADelegateCannotBeResumed()
    {
        await using var fixture = new ManagerFixture();

        var job = await fixture.Manager.StartAsync((_, _) => throw new JobInterruptedException("the disk is full"));

        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Failed);
        final.Error!.Message.Should().Be("the disk is full");
    }

    [Fact]
    public async Task AnInterruptedJobLoadedFromTheStore_KeepsItsError_InEveryAnswer()
    {
        var store = new InMemoryJobStore();
        var error = new JobError { Type = typeof(JobInterruptedException).FullName!, Message = "the database went away" };
        var interrupted = new JobSnapshot { Id = "job-1", Kind = "numbers", State = JobState.Interrupted, CreatedAt = DateTimeOffset.UnixEpoch, Error = error };
        await store.SaveAsync(interrupted, CancellationToken.None);
        await using var fixture = new ManagerFixture(store: store);

        (await fixture.Manager.PauseAsync("job-1")).Status.Should().Be(JobCommandStatus.InvalidTransition, "a pause loads the job into memory, and is refused");

        (await fixture.Manager.GetAsync("job-1"))!.Error!.Message.Should().Be("the database went away");
        (await fixture.Manager.GetHistoryAsync()).Items.Single().Error!.Message.Should().Be("the database went away");
    }

    [Fact]
    public async Task ABodyThatThrowsJobInterrupted_AfterACancel_IsCancelled()
    {
        var cancelled = new TaskCompletionSource();
        await using var fixture = new ManagerFixture(jobs: [JobRegistration.Create("db", async (_, _) =>
        {
            await cancelled.Task;
            throw new JobInterruptedException("the database went away");
        })]);
        var job = await fixture.Manager.StartAsync("db");

        await Wait.UntilAsync(async () => (await fixture.StateOf(job.Id)).State == JobState.Running, "the job runs");
        (await fixture.Manager.CancelAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        cancelled.SetResult();

        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Cancelled, "a cancel the user asked for stands");
    }

    [Fact]
    public async Task Start_WhenTheStoreRefusesTheJob_Throws_AndNoJobExists()
    {
        var store = new FailingStore { FailEverything = true };
        await using var fixture = new ManagerFixture(store: store);

        var start = async () => await fixture.Manager.StartAsync((_, _) => Task.CompletedTask);

        await start.Should().ThrowAsync<IOException>().WithMessage("database is gone");
        (await fixture.Manager.ListLiveAsync()).Should().BeEmpty();
    }

    /// <summary>Writes items 0..n-1, saving each one's number as the checkpoint, and starts after the checkpoint when resumed.</summary>
    private sealed class CheckpointingBody(int items)
    {
        public System.Collections.Concurrent.ConcurrentQueue<int> Written { get; } = new();

        public JobBody Body => (context, ct) => RunAsync(context, Written, items);

        public static JobRegistration Registration(string kind, System.Collections.Concurrent.ConcurrentQueue<int> written, int items)
            => JobRegistration.Create(kind, (context, _) => RunAsync(context, written, items));

        private static async Task RunAsync(JobContext context, System.Collections.Concurrent.ConcurrentQueue<int> written, int items)
        {
            context.Progress.SetTotal(items);
            var start = context.Checkpoint is { } checkpoint ? int.Parse(checkpoint, System.Globalization.CultureInfo.InvariantCulture) + 1 : 0;
            for (var i = start; i < items; i++)
            {
                await context.WaitIfPausedAsync();
                written.Enqueue(i);
                context.Progress.IncrementSucceeded();
                await context.SaveCheckpointAsync(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await Task.Delay(1, context.CancellationToken);
            }
        }
    }

    private sealed class FailingStore : IJobStore
    {
        private readonly InMemoryJobStore _inner = new();

        public bool FailEverything { get; init; }

        public bool FailCheckpoints { get; set; }

        public ValueTask SaveAsync(JobSnapshot job, CancellationToken cancellationToken)
            => FailEverything || (FailCheckpoints && job.Checkpoint is not null)
                ? throw new IOException("database is gone")
                : _inner.SaveAsync(job, cancellationToken);

        public ValueTask<JobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken) => _inner.GetAsync(jobId, cancellationToken);

        public ValueTask<JobHistoryPage> QueryAsync(JobHistoryQuery query, CancellationToken cancellationToken) => _inner.QueryAsync(query, cancellationToken);
    }
}
