namespace Ingestion.Core.Tests.Jobs;

public class ReplayTests
{
    [Fact]
    public async Task Replay_OfAJobInMemory_HasItsJournal_AndOfAJobOnlyInTheStore_SaysSo()
    {
        await using var manager = new JobManager(new IngestionOptions { RetainedFinishedJobs = 1 });
        var first = await manager.StartAsync(static (context, _) => Task.CompletedTask);
        await manager.WaitForCompletionAsync(first.Id).OrTimeout();   // the completion event is journalled (the state turns a moment before)

        var live = await manager.ReplayAsync(first.Id);
        live!.FromStore.Should().BeFalse();
        live.Events.Should().Contain(e => e is JobCompletedEvent);
        live.Snapshot.Seq.Should().Be(live.Events[^1].Seq);
        var ahead = (await manager.ReplayAsync(first.Id, since: live.Snapshot.Seq + 100))!;
        ahead.Events.Select(e => e.Seq).Should().Equal(live.Events.Select(e => e.Seq), "a since beyond the job's numbers means nothing: the whole journal");

        // A second finished job pushes the first out of memory: it is in the store only.
        var second = await manager.StartAsync(static (context, _) => Task.CompletedTask);
        await Wait.UntilAsync(async () => (await manager.GetAsync(second.Id))!.State == JobState.Completed, "the second job ends");
        await Wait.UntilAsync(async () => (await manager.ReplayAsync(first.Id))!.FromStore, "the first job has left memory");

        var stored = (await manager.ReplayAsync(first.Id, since: 1))!;
        stored.Snapshot.Job.State.Should().Be(JobState.Completed);
        stored.Events.Should().ContainSingle().Which.Should().BeOfType<JobGapEvent>().Which.FromSeq.Should().Be(2);
        (await manager.ReplayAsync(first.Id, since: stored.Snapshot.Seq + 100))!.Events.Should().ContainSingle().Which.Should().BeOfType<JobGapEvent>().Which.FromSeq.Should().Be(1);
        (await manager.ReplayAsync("0123456789abcdef0123456789abcdef")).Should().BeNull();
    }
}
