namespace Ingestion.HuggingFace.Tests.Hub;

public sealed class HubClientParquetAndInfoTests : IAsyncLifetime
{
    private HubTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await HubTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task GetParquetExport_ListsTheShardsPerConfigAndSplit_AndAShardOpensThroughItsRedirects()
    {
        var shard = HubTestBed.RandomBytes(3000, 7);
        var export = _bed.WriteFiles("export", new Dictionary<string, byte[]>
        {
            ["default/train/0000.parquet"] = shard,
            ["default/train/0001.parquet"] = HubTestBed.RandomBytes(100, 8),
            ["default/test/0000.parquet"] = HubTestBed.RandomBytes(100, 9),
            ["other/train/0000.parquet"] = HubTestBed.RandomBytes(100, 10),
        });
        _bed.Hub.AddParquetExport(HubTestBed.Submissions, export);
        var client = _bed.Client();

        var configs = await client.GetParquetExportAsync(HubTestBed.Submissions);
        await using var file = await client.OpenUrlAsync(configs["default"]["train"][0]);
        var bytes = await HubTestBed.ReadAllAsync(file);

        configs.Keys.Should().BeEquivalentTo("default", "other");
        configs["default"].Keys.Should().BeEquivalentTo("train", "test");
        configs["default"]["train"].Select(u => u.AbsolutePath).Should().Equal(
            "/api/datasets/arcprize/sample_eval/parquet/default/train/0.parquet",
            "/api/datasets/arcprize/sample_eval/parquet/default/train/1.parquet");
        bytes.Should().Equal(shard);
        file.ETag.Should().Be(_bed.Hub.ETagOf(HubTestBed.Submissions, "default/train/0000.parquet", FakeHub.ParquetRevision));
        var requests = _bed.Hub.Requests.Skip(1).ToList();
        requests.Select(r => (r.Host, r.StatusCode)).Should().Equal((FakeHubHost.Hub, 302), (FakeHubHost.Hub, 302), (FakeHubHost.Cdn, 200));
        requests[1].PathAndQuery.Should().Be("/datasets/arcprize/sample_eval/resolve/refs%2Fconvert%2Fparquet/default/train/0000.parquet");
        requests[1].Authorization.Should().NotBeNull("the shard redirect stays on the Hub");
    }

    [Fact]
    public async Task GetParquetExport_OfADatasetWithoutOne_IsNotFound()
    {
        var client = _bed.Client();

        var act = () => client.GetParquetExportAsync(HubTestBed.Submissions);

        var thrown = (await act.Should().ThrowAsync<HubNotFoundException>()).Which;
        thrown.Kind.Should().Be(HubNotFoundKind.EntryNotFound);
        thrown.Message.Should().Contain("arcprize/sample_eval has no Parquet export");
    }

    [Fact]
    public async Task GetDatasetInfo_GivesTheCommit_AndWhetherTheTokenWasAccepted()
    {
        var withToken = await _bed.Client().GetDatasetInfoAsync(HubTestBed.Submissions);
        var anonymous = await _bed.Client(token: "").GetDatasetInfoAsync(HubTestBed.Submissions);

        withToken.Sha.Should().Be(_bed.Hub.CommitOf(HubTestBed.Submissions)).And.MatchRegex("^[0-9a-f]{40}$");
        withToken.Id.Should().Be(HubTestBed.Submissions);
        withToken.IsAuthenticated.Should().BeTrue();
        withToken.IsPrivate.Should().BeFalse();
        withToken.IsGated.Should().BeFalse();
        withToken.LastModified.Should().NotBeNull();
        anonymous.IsAuthenticated.Should().BeFalse();
        anonymous.Sha.Should().Be(withToken.Sha);
    }

    [Fact]
    public async Task GetDatasetInfo_OfAPinnedCommit_AndOfTheExportRevision()
    {
        var export = _bed.WriteFiles("export", new Dictionary<string, byte[]> { ["default/train/0000.parquet"] = [1, 2, 3] });
        _bed.Hub.AddParquetExport(HubTestBed.Submissions, export);
        var client = _bed.Client();
        var commit = _bed.Hub.CommitOf(HubTestBed.Submissions);

        var pinned = await client.GetDatasetInfoAsync(HubTestBed.Submissions, commit);
        var converted = await client.GetDatasetInfoAsync(HubTestBed.Submissions, FakeHub.ParquetRevision);

        pinned.Sha.Should().Be(commit);
        converted.Sha.Should().Be(_bed.Hub.CommitOf(HubTestBed.Submissions, FakeHub.ParquetRevision));
        _bed.Hub.Requests[^1].PathAndQuery.Should().EndWith("/revision/refs%2Fconvert%2Fparquet");
    }
}
