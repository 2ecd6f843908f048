namespace Ingestion.Core.Tests.Storage;

public class InMemoryJobStoreTests
{
    [Fact]
    public async Task Query_ReturnsNewestFirst_Paged_AndFiltered()
    {
        var store = new InMemoryJobStore();
        var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 30; i++)
        {
            await store.SaveAsync(new JobSnapshot
            {
                Id = $"job{i:00}",
                Kind = i % 3 == 0 ? "import" : "export",
                State = i % 2 == 0 ? JobState.Completed : JobState.Failed,
                CreatedAt = start.AddMinutes(i),
            }, CancellationToken.None);
        }

        var page = await store.QueryAsync(new JobHistoryQuery { Offset = 5, Limit = 10 }, CancellationToken.None);
        page.TotalCount.Should().Be(30);
        page.Items.Select(j => j.Id).Should().Equal(Enumerable.Range(15, 10).Reverse().Select(i => $"job{i:00}"));

        var filtered = await store.QueryAsync(new JobHistoryQuery { States = [JobState.Completed], Kind = "import" }, CancellationToken.None);
        filtered.Items.Select(j => j.Id).Should().Equal("job24", "job18", "job12", "job06", "job00");
        filtered.TotalCount.Should().Be(5);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, 0)]
    [InlineData(0, 1001)]
    public async Task Query_WithPagingOutOfRange_Throws(int offset, int limit)
    {
        var query = async () => await new InMemoryJobStore().QueryAsync(new JobHistoryQuery { Offset = offset, Limit = limit }, CancellationToken.None);

        await query.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task Save_ReplacesTheRecord()
    {
        var store = new InMemoryJobStore();

        await store.SaveAsync(new JobSnapshot { Id = "a", Kind = "k", State = JobState.Running }, CancellationToken.None);
        await store.SaveAsync(new JobSnapshot { Id = "a", Kind = "k", State = JobState.Completed }, CancellationToken.None);

        (await store.GetAsync("a", CancellationToken.None))!.State.Should().Be(JobState.Completed);
        (await store.GetAsync("b", CancellationToken.None)).Should().BeNull();
    }
}
