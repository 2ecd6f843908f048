namespace Ingestion.Core.Tests.Progress;

/// <summary>Elapsed time, sampling, rate and ETA, on a fake clock.</summary>
public class JobProgressTimingTests
{
    [Fact]
    public async Task Elapsed_LeavesOutPausedTime_AcrossSeveralPauseCycles()
    {
        await using var fixture = ManagerFixture.WithFakeTime(out var time);
        var body = new GatedBody(items: 10);
        var job = await fixture.Manager.StartAsync(body.Body);
        await body.WaitUntilStartedAsync(1);

        for (var cycle = 1; cycle <= 3; cycle++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await fixture.Manager.PauseAsync(job.Id);
            body.Release();
            await Wait.UntilAsync(async () => (await fixture.StateOf(job.Id)).State == JobState.Paused, $"pause {cycle} is acknowledged");
            time.Advance(TimeSpan.FromMinutes(10));
            (await fixture.StateOf(job.Id)).Progress.Elapsed.Should().Be(TimeSpan.FromSeconds(5 * cycle), "paused time does not count");
            await fixture.Manager.ResumeAsync(job.Id);
            await body.WaitUntilStartedAsync(cycle + 1);
        }

        time.Advance(TimeSpan.FromSeconds(2));
        body.Release(10);
        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.Progress.Elapsed.Should().Be(TimeSpan.FromSeconds(17));
    }

    [Fact]
    public async Task Progress_IsSampledAtTheInterval_SoManyReportsBecomeOneEvent()
    {
        await using var fixture = ManagerFixture.WithFakeTime(out var time, o => o.ProgressInterval = TimeSpan.FromMilliseconds(250));
        var reported = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        var job = await fixture.Manager.StartAsync(async (context, ct) =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                context.Progress.IncrementSucceeded();
            }

            reported.SetResult();
            await finish.Task;
        });
        await reported.Task.OrTimeout();

        time.Advance(TimeSpan.FromMilliseconds(249));
        await Task.Delay(50);
        fixture.Sink.EventsOf(job.Id).OfType<JobProgressEvent>().Should().BeEmpty("the first sample is not due yet");

        time.Advance(TimeSpan.FromMilliseconds(1));
        await fixture.Sink.WaitForAsync(events => events.OfType<JobProgressEvent>().Any(e => e.JobId == job.Id));
        time.Advance(TimeSpan.FromMilliseconds(250));
        await Task.Delay(50);
        var progress = fixture.Sink.EventsOf(job.Id).OfType<JobProgressEvent>().ToArray();
        progress.Should().ContainSingle("nothing changed since the first sample, and the heartbeat is not due");
        progress[0].Progress.Succeeded.Should().Be(10_000);

        finish.SetResult();
        var completed = await fixture.Sink.WaitForCompletionAsync(job.Id);
        fixture.Sink.EventsOf(job.Id).OfType<JobProgressEvent>().Last().Progress.Succeeded.Should().Be(10_000, "the final progress is always delivered");
        completed.Summary.Progress.Succeeded.Should().Be(10_000);
    }

    [Fact]
    public async Task Progress_WhileRunningWithoutChange_IsRepublishedOnceASecond_SoElapsedMoves()
    {
        await using var fixture = ManagerFixture.WithFakeTime(out var time);
        var body = new GatedBody(items: 1);
        var job = await fixture.Manager.StartAsync(body.Body);
        await body.WaitUntilStartedAsync(1);
        int ProgressEvents() => fixture.Sink.EventsOf(job.Id).OfType<JobProgressEvent>().Count();

        time.Advance(TimeSpan.FromMilliseconds(100));
        await Wait.UntilAsync(() => ProgressEvents() == 1, "the first sample is published");

        for (var second = 1; second <= 2; second++)
        {
            for (var tick = 0; tick < 9; tick++)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
            }

            await Task.Delay(50);
            ProgressEvents().Should().Be(second, "nothing changed and a second has not passed");
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Wait.UntilAsync(() => ProgressEvents() == second + 1, $"the heartbeat after {second} s");
        }

        fixture.Sink.EventsOf(job.Id).OfType<JobProgressEvent>().Select(p => p.Progress.Elapsed)
            .Should().Equal(TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(1.1), TimeSpan.FromSeconds(2.1));
        body.Release();
    }

    [Fact]
    public async Task RateAndEta_FollowTheMeasuredPace()
    {
        await using var fixture = ManagerFixture.WithFakeTime(out var time);
        var body = new GatedBody(items: 100);
        var job = await fixture.Manager.StartAsync(body.Body);

        // One item every 100 ms of running time: 10 items a second.
        for (var i = 1; i <= 40; i++)
        {
            body.Release();
            await body.WaitUntilProcessedAsync(i);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var progress = (await fixture.StateOf(job.Id)).Progress;
        progress.Processed.Should().Be(40);
        progress.PercentComplete.Should().Be(40);
        progress.ItemsPerSecond.Should().BeApproximately(10, 0.5);
        progress.EstimatedRemaining!.Value.TotalSeconds.Should().BeApproximately(6, 0.5, "60 items left at 10 a second");
        body.Release(100);
    }

    [Fact]
    public async Task Rate_IsNotDraggedDownByPausedTime()
    {
        await using var fixture = ManagerFixture.WithFakeTime(out var time);
        var body = new GatedBody(items: 100);
        var job = await fixture.Manager.StartAsync(body.Body);
        for (var i = 1; i <= 20; i++)
        {
            body.Release();
            await body.WaitUntilProcessedAsync(i);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await body.WaitUntilStartedAsync(21);
        await fixture.Manager.PauseAsync(job.Id);
        body.Release();
        await Wait.UntilAsync(async () => (await fixture.StateOf(job.Id)).State == JobState.Paused, "paused");
        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        (await fixture.StateOf(job.Id)).Progress.ItemsPerSecond.Should().BeApproximately(10, 1.5);
        await fixture.Manager.CancelAsync(job.Id);
    }
}
