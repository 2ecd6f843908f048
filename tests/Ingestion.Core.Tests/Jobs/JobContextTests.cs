using System.Runtime.CompilerServices;

namespace Ingestion.Core.Tests.Jobs;

public class JobContextTests
{
    [Fact]
    public async Task ForEachAsync_CountsEachOutcome_AndSetsTheTotalFromACollection()
    {
        await using var fixture = new ManagerFixture();
        var outcomes = new[] { ItemOutcome.Succeeded, ItemOutcome.Succeeded, ItemOutcome.Failed, ItemOutcome.Skipped, ItemOutcome.Processed };

        var job = await fixture.Manager.StartAsync((context, _) =>
            context.ForEachAsync(Enumerable.Range(0, outcomes.Length).ToArray(), (i, _) => new ValueTask<ItemOutcome>(outcomes[i]), i => $"item-{i}"));

        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.Progress.Should().BeEquivalentTo(new { Total = 5L, Processed = 5L, Succeeded = 2L, Failed = 1L, Skipped = 1L, CurrentItem = "item-4" });
    }

    [Fact]
    public async Task ForEachAsync_AnItemThatThrows_CountsAsFailed_IsLogged_AndTheLoopGoesOn()
    {
        await using var fixture = new ManagerFixture();

        var job = await fixture.Manager.StartAsync((context, _) =>
            context.ForEachAsync(new[] { 1, 2, 3 }, (i, _) => i == 2 ? throw new FormatException("bad grid") : new ValueTask<ItemOutcome>(ItemOutcome.Succeeded)));

        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Completed);
        (final.Progress.Succeeded, final.Progress.Failed).Should().Be((2L, 1L));
        await fixture.Sink.WaitForCompletionAsync(job.Id);
        fixture.Sink.EventsOf(job.Id).OfType<JobLogEvent>().Should().ContainSingle(l => l.Exception == "FormatException: bad grid" && l.Message.Contains('2'));
    }

    [Fact]
    public async Task ForEachAsync_WithStopOnError_FailsTheJobOnTheFirstError()
    {
        await using var fixture = new ManagerFixture();

        var job = await fixture.Manager.StartAsync((context, _) =>
            context.ForEachAsync(new[] { 1, 2, 3 }, (i, _) => i == 2 ? throw new FormatException("bad grid") : new ValueTask<ItemOutcome>(ItemOutcome.Succeeded), stopOnError: true));

        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Failed);
        final.Error!.Message.Should().Be("bad grid");
        final.Progress.Succeeded.Should().Be(1);
    }

    [Fact]
    public async Task ForEachAsync_WhilePaused_DoesNotEvenFetchTheNextItem()
    {
        await using var fixture = new ManagerFixture();
        var source = new CountingSource(100);
        var firstItem = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var job = await fixture.Manager.StartAsync((context, _) => context.ForEachAsync(source.ReadAsync(CancellationToken.None), async (i, ct) =>
        {
            if (i == 0)
            {
                firstItem.SetResult();
                await release.Task;
            }

            return ItemOutcome.Succeeded;
        }));
        await firstItem.Task.OrTimeout();
        await fixture.Manager.PauseAsync(job.Id);
        release.SetResult();
        await fixture.Sink.WaitForStateAsync(job.Id, JobState.Paused);
        await Task.Delay(100);

        source.Fetched.Should().Be(1, "the pause check comes before the next fetch");
        await fixture.Manager.ResumeAsync(job.Id);
        (await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout()).Progress.Succeeded.Should().Be(100);
        source.Fetched.Should().Be(100);
    }

    [Fact]
    public async Task ForEachAsync_OnCancel_StopsBeforeTheNextItem()
    {
        await using var fixture = new ManagerFixture();
        var started = 0;
        var job = await fixture.Manager.StartAsync((context, _) => context.ForEachAsync(new CountingSource(1_000_000).ReadAsync(CancellationToken.None), async (i, ct) =>
        {
            Interlocked.Increment(ref started);
            await Task.Delay(1, CancellationToken.None);
            return ItemOutcome.Succeeded;
        }));
        await Wait.UntilAsync(() => Volatile.Read(ref started) > 3, "items are processed");

        await fixture.Manager.CancelAsync(job.Id);
        var startedWhenCancelled = Volatile.Read(ref started);

        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Cancelled);
        Volatile.Read(ref started).Should().BeLessThanOrEqualTo(startedWhenCancelled + 1, "at most the item already past its check when cancel came");
        final.Progress.Succeeded.Should().Be(Volatile.Read(ref started), "the item in progress finished and was counted");
    }

    [Fact]
    public async Task GetParameters_BindsTheJobsParameters()
    {
        await using var fixture = new ManagerFixture(jobs: [JobRegistration.Create("echo", EchoJob.Run, typeof(EchoParameters))]);

        var job = await fixture.Manager.StartAsync("echo", new EchoParameters { Text = "hello", Times = 3 });

        var final = await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Completed, final.Error?.Message);
        final.Progress.Message.Should().Be("hello hello hello");
        final.Parameters.GetProperty("text").GetString().Should().Be("hello");
    }

    private sealed class CountingSource(int count)
    {
        private int _fetched;

        public int Fetched => Volatile.Read(ref _fetched);

        public async IAsyncEnumerable<int> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < count; i++)
            {
                await Task.Yield();
                Interlocked.Increment(ref _fetched);
                yield return i;
            }
        }
    }

    internal sealed class EchoParameters
    {
        public string Text { get; set; } = "";

        public int Times { get; set; } = 1;
    }

    private static class EchoJob
    {
        public static Task Run(JobContext context, CancellationToken cancellationToken)
        {
            var parameters = context.GetParameters<EchoParameters>();
            context.Progress.SetMessage(string.Join(' ', Enumerable.Repeat(parameters.Text, parameters.Times)));
            return Task.CompletedTask;
        }
    }
}
