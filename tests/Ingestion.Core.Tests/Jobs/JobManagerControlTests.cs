namespace Ingestion.Core.Tests.Jobs;

public class JobManagerControlTests
{
    [Fact]
    public async Task Pause_IsAcknowledged_OnlyWhenTheBodyReachesItsNextCheck()
    {
        await using var fixture = new ManagerFixture();
        var body = new GatedBody(items: 5);
        var job = await fixture.Manager.StartAsync(body.Body);
        await body.WaitUntilStartedAsync(1);

        var pause = await fixture.Manager.PauseAsync(job.Id);

        pause.Status.Should().Be(JobCommandStatus.Applied);
        pause.State.Should().Be(JobState.Pausing);
        await Task.Delay(50);
        (await fixture.StateOf(job.Id)).State.Should().Be(JobState.Pausing, "the body is still inside its item");

        body.Release();
        await fixture.Sink.WaitForStateAsync(job.Id, JobState.Paused);
        var paused = await fixture.StateOf(job.Id);
        paused.State.Should().Be(JobState.Paused);
        paused.Progress.Succeeded.Should().Be(1);
        body.Started.Should().Be(1, "a paused body does not start its next item");
    }

    [Fact]
    public async Task Pause_StopsTheItems_AndResume_ContinuesThem()
    {
        await using var fixture = new ManagerFixture();
        var processed = 0L;
        var job = await fixture.Manager.StartAsync(async (context, ct) =>
        {
            while (true)
            {
                await context.WaitIfPausedAsync();
                Interlocked.Increment(ref processed);
                context.Progress.IncrementSucceeded();
                await Task.Delay(1, ct);
            }
        });
        await Wait.UntilAsync(() => Interlocked.Read(ref processed) > 5, "the body is processing");

        (await fixture.Manager.PauseAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        await fixture.Sink.WaitForStateAsync(job.Id, JobState.Paused);
        var atPause = Interlocked.Read(ref processed);
        await Task.Delay(300);

        Interlocked.Read(ref processed).Should().Be(atPause, "no item is processed while the job is paused");
        var paused = await fixture.StateOf(job.Id);
        paused.State.Should().Be(JobState.Paused);
        paused.Progress.Succeeded.Should().Be(atPause);

        var resume = await fixture.Manager.ResumeAsync(job.Id);
        resume.Status.Should().Be(JobCommandStatus.Applied);
        resume.State.Should().Be(JobState.Running);
        await Wait.UntilAsync(() => Interlocked.Read(ref processed) > atPause + 5, "the body continues after resume");

        await fixture.Manager.CancelAsync(job.Id);
        (await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout()).State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task PauseAndResume_ManyCycles_EachOneAcknowledged()
    {
        await using var fixture = new ManagerFixture();
        var job = await fixture.Manager.StartAsync(async (context, ct) =>
        {
            while (true)
            {
                await context.WaitIfPausedAsync();
                context.Progress.IncrementSucceeded();
                await Task.Yield();
            }
        });

        for (var cycle = 0; cycle < 20; cycle++)
        {
            (await fixture.Manager.PauseAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
            await Wait.UntilAsync(async () => (await fixture.StateOf(job.Id)).State == JobState.Paused, $"pause {cycle} is acknowledged");
            (await fixture.Manager.ResumeAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        }

        await fixture.Manager.CancelAsync(job.Id);
        await fixture.Sink.WaitForCompletionAsync(job.Id);
        var states = fixture.Sink.EventsOf(job.Id).OfType<JobStateChangedEvent>().Select(e => e.State).ToArray();
        states.Count(s => s == JobState.Paused).Should().Be(20);
        states.Should().EndWith(JobState.Cancelled);
    }

    [Fact]
    public async Task ResumeWhilePausing_CancelsThePause_BeforeItIsAcknowledged()
    {
        await using var fixture = new ManagerFixture();
        var body = new GatedBody(items: 3);
        var job = await fixture.Manager.StartAsync(body.Body);
        await body.WaitUntilStartedAsync(1);

        await fixture.Manager.PauseAsync(job.Id);
        var resume = await fixture.Manager.ResumeAsync(job.Id);

        resume.Status.Should().Be(JobCommandStatus.Applied);
        resume.State.Should().Be(JobState.Running);
        body.Release(3);
        (await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout()).State.Should().Be(JobState.Completed);
        await fixture.Sink.WaitForCompletionAsync(job.Id);
        fixture.Sink.EventsOf(job.Id).OfType<JobStateChangedEvent>().Select(e => e.State)
            .Should().Equal(JobState.Queued, JobState.Running, JobState.Pausing, JobState.Running, JobState.Completed);
    }

    [Fact]
    public async Task Cancel_WhileRunning_StopsAtTheNextCheck()
    {
        await using var fixture = new ManagerFixture();
        var body = new GatedBody(items: 10);
        var job = await fixture.Manager.StartAsync(body.Body);
        body.Release(2);
        await body.WaitUntilStartedAsync(3);

        var cancel = await fixture.Manager.CancelAsync(job.Id);

        cancel.Status.Should().Be(JobCommandStatus.Applied);
        cancel.State.Should().Be(JobState.Running, "the body is inside an item until it reaches its check");
        cancel.Job!.IsCancellationRequested.Should().BeTrue();
        (await fixture.Manager.CancelAsync(job.Id)).Status.Should().Be(JobCommandStatus.Unchanged);

        body.Release();
        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Cancelled);
        final.Progress.Succeeded.Should().Be(3);
        final.IsCancellationRequested.Should().BeFalse("it is over");
        body.Started.Should().Be(3);
    }

    [Fact]
    public async Task Cancel_WhilePaused_WakesTheBodyAtOnce_WithoutAResume()
    {
        await using var fixture = new ManagerFixture();
        var body = new GatedBody(items: 10);
        var job = await fixture.Manager.StartAsync(body.Body);
        await body.WaitUntilStartedAsync(1);
        await fixture.Manager.PauseAsync(job.Id);
        body.Release();
        await fixture.Sink.WaitForStateAsync(job.Id, JobState.Paused);

        (await fixture.Manager.CancelAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);

        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Cancelled);
        body.Started.Should().Be(1);
        await fixture.Sink.WaitForCompletionAsync(job.Id);
        fixture.Sink.EventsOf(job.Id).OfType<JobStateChangedEvent>().Select(e => e.State)
            .Should().Equal(JobState.Queued, JobState.Running, JobState.Pausing, JobState.Paused, JobState.Cancelled);
    }

    [Fact]
    public async Task Cancel_WhileQueued_CancelsAtOnce_AndTheBodyNeverRuns()
    {
        await using var fixture = new ManagerFixture(o => o.MaxConcurrentJobs = 1);
        var first = new GatedBody(items: 1);
        var firstJob = await fixture.Manager.StartAsync(first.Body);
        var ran = false;
        var queued = await fixture.Manager.StartAsync((_, _) =>
        {
            ran = true;
            return Task.CompletedTask;
        });
        queued.State.Should().Be(JobState.Queued);

        var cancel = await fixture.Manager.CancelAsync(queued.Id);

        cancel.Status.Should().Be(JobCommandStatus.Applied);
        cancel.State.Should().Be(JobState.Cancelled);
        first.Release();
        await fixture.Manager.WaitForCompletionAsync(firstJob.Id).OrTimeout();
        await fixture.Manager.WaitForCompletionAsync(queued.Id).OrTimeout();
        ran.Should().BeFalse();
        (await fixture.StateOf(queued.Id)).StartedAt.Should().BeNull();
    }

    [Fact]
    public async Task Cancel_BeatsAPauseThatIsNotYetAcknowledged()
    {
        await using var fixture = new ManagerFixture();
        var body = new GatedBody(items: 10);
        var job = await fixture.Manager.StartAsync(body.Body);
        await body.WaitUntilStartedAsync(1);
        await fixture.Manager.PauseAsync(job.Id);

        (await fixture.Manager.CancelAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        (await fixture.Manager.ResumeAsync(job.Id)).Status.Should().Be(JobCommandStatus.InvalidTransition, "cancellation is pending");
        body.Release();

        (await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout()).State.Should().Be(JobState.Cancelled);
    }
}
