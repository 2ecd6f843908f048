using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Ingestion.Core.Tests.Jobs;

public partial class JobManagerLifecycleTests
{
    [Fact]
    public async Task Start_ReturnsAnUnguessableId_AtOnce_WhileTheBodyIsStillRunning()
    {
        await using var fixture = new ManagerFixture();
        var body = new GatedBody(items: 1);

        var job = await fixture.Manager.StartAsync(body.Body).AsTask().OrTimeout();

        JobIdPattern().IsMatch(job.Id).Should().BeTrue($"'{job.Id}' should be 128 random bits in hex");
        job.State.Should().BeOneOf(JobState.Queued, JobState.Running);
        job.Kind.Should().Be(JobRegistration.DelegateKind);
        body.Processed.Should().Be(0, "the body is still waiting on its first item");
        body.Release();
        (await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout()).State.Should().Be(JobState.Completed);
    }

    [Fact]
    public async Task Start_GivesEveryJobADifferentId()
    {
        await using var fixture = new ManagerFixture();
        var ids = new HashSet<string>();
        for (var i = 0; i < 200; i++)
        {
            ids.Add((await fixture.Manager.StartAsync((_, _) => Task.CompletedTask)).Id);
        }

        ids.Should().HaveCount(200);
    }

    [Fact]
    public async Task Start_ThenWatch_ShowsProgressAdvancing_ThenTheCompletedSummary()
    {
        await using var fixture = ManagerFixture.WithFakeTime(out var time);
        var body = new GatedBody(items: 3);
        var job = await fixture.Manager.StartAsync(body.Body, new JobStartOptions { Name = "three items" });

        for (var i = 1; i <= 3; i++)
        {
            body.Release();
            await body.WaitUntilProcessedAsync(i);
            time.Advance(TimeSpan.FromMilliseconds(100));
            var expected = i;
            await fixture.Sink.WaitForAsync(events => events.OfType<JobProgressEvent>().Any(p => p.JobId == job.Id && p.Progress.Succeeded == expected));
        }

        var completed = await fixture.Sink.WaitForCompletionAsync(job.Id);
        var events = fixture.Sink.EventsOf(job.Id);

        events.OfType<JobStateChangedEvent>().Select(e => e.State).Should().Equal(JobState.Queued, JobState.Running, JobState.Completed);
        events.OfType<JobProgressEvent>().Select(e => e.Progress.Succeeded).Should().BeInAscendingOrder().And.Contain([1, 2, 3]);
        events.Select(e => e.Seq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        events[^1].Should().BeSameAs(completed, "the completion event is the run's last");
        completed.Summary.State.Should().Be(JobState.Completed);
        completed.Summary.Name.Should().Be("three items");
        completed.Summary.Progress.Should().BeEquivalentTo(new { Total = 3L, Processed = 3L, Succeeded = 3L, Failed = 0L, Skipped = 0L, PercentComplete = 100.0 });
        completed.Summary.FinishedAt.Should().NotBeNull().And.BeOnOrAfter(completed.Summary.StartedAt!.Value).And.BeOnOrBefore(time.GetUtcNow());
    }

    [Fact]
    public async Task Body_ThatThrows_FailsTheJob_WithTheErrorKept_AndOtherJobsCarryOn()
    {
        await using var fixture = new ManagerFixture();
        var healthy = new GatedBody(items: 2);
        var healthyJob = await fixture.Manager.StartAsync(healthy.Body);

        var failing = await fixture.Manager.StartAsync(async (context, ct) =>
        {
            context.Progress.IncrementSucceeded();
            await Task.Yield();
            throw new InvalidDataException("puzzle 007bbfb7 is malformed");
        });

        var final = await fixture.Manager.WaitForCompletionAsync(failing.Id).OrTimeout();
        final.State.Should().Be(JobState.Failed);
        final.Error!.Type.Should().Be(typeof(InvalidDataException).FullName);
        final.Error.Message.Should().Be("puzzle 007bbfb7 is malformed");
        final.Error.Details.Should().Contain("InvalidDataException").And.Contain(nameof(Body_ThatThrows_FailsTheJob_WithTheErrorKept_AndOtherJobsCarryOn));
        final.Progress.Succeeded.Should().Be(1, "the counters up to the failure are kept");
        await fixture.Sink.WaitForCompletionAsync(failing.Id);
        fixture.Sink.EventsOf(failing.Id).OfType<JobStateChangedEvent>().Last().Error!.Message.Should().Be("puzzle 007bbfb7 is malformed");

        (await fixture.StateOf(healthyJob.Id)).State.Should().Be(JobState.Running);
        healthy.Release(2);
        (await fixture.Manager.WaitForCompletionAsync(healthyJob.Id).OrTimeout()).State.Should().Be(JobState.Completed);
    }

    [Fact]
    public async Task Body_ThatThrowsBeforeReturningATask_FailsTheJob()
    {
        await using var fixture = new ManagerFixture();

        var job = await fixture.Manager.StartAsync((_, _) => throw new InvalidOperationException("synchronous"));

        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Failed);
        final.Error!.Message.Should().Be("synchronous");
    }

    [Fact]
    public async Task Body_ThatThrowsOperationCanceled_OfItsOwn_Fails_RatherThanCounting_AsCancelled()
    {
        await using var fixture = new ManagerFixture();

        var job = await fixture.Manager.StartAsync((_, _) => throw new TaskCanceledException("an HTTP timeout"));

        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Failed, "nobody cancelled the job: its own timeout is a failure");
        final.Error!.Message.Should().Be("an HTTP timeout");
    }

    [Fact]
    public async Task SeveralConcurrentJobs_KeepIndependentState()
    {
        await using var fixture = new ManagerFixture(o => o.MaxConcurrentJobs = 3);
        var bodies = Enumerable.Range(0, 3).Select(_ => new GatedBody(items: 10)).ToArray();
        var jobs = new List<JobSnapshot>();
        foreach (var body in bodies)
        {
            jobs.Add(await fixture.Manager.StartAsync(body.Body));
        }

        // Job 0 is paused inside its first item, so it acknowledges the pause once that item is done.
        await bodies[0].WaitUntilStartedAsync(1);
        (await fixture.Manager.PauseAsync(jobs[0].Id)).Status.Should().Be(JobCommandStatus.Applied);
        bodies[0].Release();
        await fixture.Sink.WaitForStateAsync(jobs[0].Id, JobState.Paused);

        // Job 1 is cancelled inside its fifth item: it finishes that item and stops at the next check.
        bodies[1].Release(4);
        await bodies[1].WaitUntilStartedAsync(5);
        (await fixture.Manager.CancelAsync(jobs[1].Id)).Status.Should().Be(JobCommandStatus.Applied);
        bodies[1].Release();

        // Job 2 runs to the end.
        bodies[2].Release(10);

        var cancelled = await fixture.Manager.WaitForCompletionAsync(jobs[1].Id).OrTimeout();
        var completed = await fixture.Manager.WaitForCompletionAsync(jobs[2].Id).OrTimeout();
        var paused = await fixture.StateOf(jobs[0].Id);

        paused.State.Should().Be(JobState.Paused);
        paused.Progress.Succeeded.Should().Be(1);
        cancelled.State.Should().Be(JobState.Cancelled);
        cancelled.Progress.Succeeded.Should().Be(5);
        completed.State.Should().Be(JobState.Completed);
        completed.Progress.Succeeded.Should().Be(10);
        (await fixture.Manager.ListLiveAsync()).Select(j => j.Id).Should().Equal(jobs[0].Id);
    }

    [Fact]
    public async Task JobsOverTheConcurrencyLimit_StayQueued_AndStartInOrder()
    {
        await using var fixture = new ManagerFixture(o => o.MaxConcurrentJobs = 1);
        var bodies = Enumerable.Range(0, 3).Select(_ => new GatedBody(items: 1)).ToArray();
        var jobs = new List<JobSnapshot>();
        foreach (var body in bodies)
        {
            jobs.Add(await fixture.Manager.StartAsync(body.Body));
        }

        jobs.Select(j => j.State).Should().Equal(JobState.Running, JobState.Queued, JobState.Queued);

        bodies[0].Release();
        await fixture.Manager.WaitForCompletionAsync(jobs[0].Id).OrTimeout();
        await fixture.Sink.WaitForStateAsync(jobs[1].Id, JobState.Running);
        (await fixture.StateOf(jobs[2].Id)).State.Should().Be(JobState.Queued);

        bodies[1].Release();
        bodies[2].Release();
        await fixture.Sink.WaitForCompletionAsync(jobs[2].Id);

        var runningOrder = fixture.Sink.Events.OfType<JobStateChangedEvent>().Where(e => e.State == JobState.Running).Select(e => e.JobId);
        runningOrder.Should().Equal(jobs.Select(j => j.Id));
    }

    [Fact]
    public async Task Logger_LinesAtOrAboveTheEventLevel_BecomeLogEvents()
    {
        await using var fixture = new ManagerFixture(o => o.LogEventLevel = LogLevel.Information);

        var job = await fixture.Manager.StartAsync((context, _) =>
        {
            context.Logger.LogDebug("not an event");
            context.Logger.LogInformation("{Puzzle} — saved {Saved}/{Total} attempts", "f3e62deb", 2, 2);
            context.Logger.LogWarning(new IOException("disk full"), "could not cache");
            return Task.CompletedTask;
        });
        await fixture.Sink.WaitForCompletionAsync(job.Id);

        var logs = fixture.Sink.EventsOf(job.Id).OfType<JobLogEvent>().ToArray();
        logs.Select(l => l.Message).Should().Equal("f3e62deb — saved 2/2 attempts", "could not cache");
        logs[0].Level.Should().Be(LogLevel.Information);
        logs[1].Exception.Should().Be("IOException: disk full");
    }

    [Fact]
    public async Task Results_SetByTheBody_AreInTheSummary()
    {
        await using var fixture = new ManagerFixture();

        var job = await fixture.Manager.StartAsync((context, _) =>
        {
            context.SetResult("pass@2", 0.75);
            context.SetResult("tokens", 1234);
            return Task.CompletedTask;
        });
        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();

        final.Results.Should().Equal(new Dictionary<string, double> { ["pass@2"] = 0.75, ["tokens"] = 1234 });
        (await fixture.Store.GetAsync(job.Id, CancellationToken.None))!.Results.Should().ContainKey("pass@2");
    }

    [Fact]
    public async Task Start_AfterShutdown_IsRefused()
    {
        var fixture = new ManagerFixture();
        await fixture.Manager.ShutdownAsync();

        var start = async () => await fixture.Manager.StartAsync((_, _) => Task.CompletedTask);

        await start.Should().ThrowAsync<ObjectDisposedException>().WithMessage("*shutting down*");
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex JobIdPattern();
}
