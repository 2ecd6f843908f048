namespace Ingestion.Core.Tests.Jobs;

public class JobManagerHistoryTests
{
    [Fact]
    public async Task History_ListsFinishedAndLiveRuns_NewestFirst_WithLiveProgressCurrent()
    {
        await using var fixture = new ManagerFixture();
        var finished = await fixture.Manager.StartAsync((_, _) => Task.CompletedTask);
        await fixture.Manager.WaitForCompletionAsync(finished.Id).OrTimeout();
        var body = new GatedBody(items: 5);
        var live = await fixture.Manager.StartAsync(body.Body);
        body.Release(2);
        await body.WaitUntilProcessedAsync(2);

        var history = await fixture.Manager.GetHistoryAsync();

        history.Items.Select(j => j.Id).Should().Equal(live.Id, finished.Id);
        history.Items[0].Progress.Succeeded.Should().Be(2, "a live job shows its current progress, not its last stored one");
        history.Items[1].State.Should().Be(JobState.Completed);

        var onlyFinished = await fixture.Manager.GetHistoryAsync(new JobHistoryQuery { States = [JobState.Completed] });
        onlyFinished.Items.Should().ContainSingle().Which.Id.Should().Be(finished.Id);
        body.Release(3);
    }
}
