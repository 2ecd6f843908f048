using System.Net;

namespace Ingestion.HuggingFace.Tests.Hub;

public sealed class HubClientListingTests : IAsyncLifetime
{
    private HubTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await HubTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task ListTree_OfAFolder_FollowsTheLinkPagesToTheEnd()
    {
        _bed.Hub.PageSize = 64;
        var client = _bed.Client();

        var entries = await client.ListTreeAsync(HubTestBed.Puzzles, path: "training").ToListAsync();

        var expected = Directory.GetFiles(Path.Combine(HubTestBed.SharedData, "arc-agi-1", "training")).Select(f => "training/" + Path.GetFileName(f));
        entries.Select(e => e.Path).Should().BeEquivalentTo(expected);
        entries.Should().OnlyContain(e => e.Type == HubEntryType.File && e.Size > 0 && e.Oid!.Length == 40 && e.LfsOid == null);
        var pages = _bed.Hub.Requests.Where(r => r.Path.Contains("/tree/", StringComparison.Ordinal)).ToList();
        pages.Should().HaveCount(7, "400 entries at 64 a page");
        pages.Skip(1).Should().OnlyContain(r => r.PathAndQuery.Contains("cursor=", StringComparison.Ordinal));
        pages.Should().OnlyContain(r => r.Authorization == "Bearer " + HubTestBed.Token && r.StatusCode == 200);
    }

    [Fact]
    public async Task ListTree_OfTheRoot_ListsItsDirectEntriesOnly()
    {
        var client = _bed.Client();

        var entries = await client.ListTreeAsync(HubTestBed.Puzzles).ToListAsync();

        entries.Select(e => (e.Type, e.Path)).Should().BeEquivalentTo(new[]
        {
            (HubEntryType.Directory, "evaluation"),
            (HubEntryType.Directory, "training"),
            (HubEntryType.File, "LICENSE"),
        });
        entries.Should().OnlyContain(e => e.Oid != null);
    }

    [Fact]
    public async Task ListTree_Recursive_ListsEveryFileAndFolderBelow_WithTheirGitOids()
    {
        _bed.Hub.PageSize = 300;
        var client = _bed.Client();

        var entries = await client.ListTreeAsync(HubTestBed.Puzzles, recursive: true).ToListAsync();

        entries.Should().HaveCount(803, "800 puzzles, the LICENSE and 2 folders");
        entries.Count(e => e.Type == HubEntryType.Directory).Should().Be(2);
        var sample = entries.Single(e => e.Path == "training/007bbfb7.json");
        var bytes = HubTestBed.SharedFile("arc-agi-1/training/007bbfb7.json");
        sample.Size.Should().Be(bytes.Length);
        sample.Oid.Should().Be(FakeHub.GitBlobSha1(bytes));
        sample.ETag.Should().Be(sample.Oid);
        sample.Name.Should().Be("007bbfb7.json");
    }

    [Fact]
    public async Task ListTree_OfAnLfsFile_GivesItsSha256AsTheETag()
    {
        var client = _bed.Client();

        var entry = (await client.ListTreeAsync(HubTestBed.Generated, path: "lfs").ToListAsync()).Single();

        entry.LfsOid.Should().Be(_bed.Hub.ETagOf(HubTestBed.Generated, HubTestBed.LfsFile)).And.HaveLength(64);
        entry.ETag.Should().Be(entry.LfsOid);
        entry.Oid.Should().NotBe(entry.LfsOid).And.HaveLength(40, "the oid is the pointer's blob SHA-1");
    }

    [Fact]
    public async Task ListTree_OnARevisionWithSlashes_SendsItPercentEncoded_AndPagesThroughIt()
    {
        var export = _bed.WriteFiles("export", new Dictionary<string, byte[]>
        {
            ["default/train/0000.parquet"] = HubTestBed.RandomBytes(100, 3),
            ["default/train/0001.parquet"] = HubTestBed.RandomBytes(100, 4),
            ["default/test/0000.parquet"] = HubTestBed.RandomBytes(100, 5),
        });
        _bed.Hub.AddParquetExport(HubTestBed.Submissions, export);
        _bed.Hub.PageSize = 1;
        var client = _bed.Client();

        var entries = await client.ListTreeAsync(HubTestBed.Submissions, "refs/convert/parquet", "default/train").ToListAsync();

        entries.Select(e => e.Path).Should().BeEquivalentTo("default/train/0000.parquet", "default/train/0001.parquet");
        var pages = _bed.Hub.Requests.Where(r => r.Path.Contains("/tree/", StringComparison.Ordinal)).ToList();
        pages.Should().HaveCount(2);
        pages.Should().OnlyContain(r => r.PathAndQuery.Contains("/tree/refs%2Fconvert%2Fparquet/default/train", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FakeHub_TakesTheRevisionAndPathRaw_AndKeepsTheRawFormInItsNextLink()
    {
        var export = _bed.WriteFiles("export", new Dictionary<string, byte[]>
        {
            ["default/train/0000.parquet"] = [1],
            ["default/train/0001.parquet"] = [2],
        });
        _bed.Hub.AddParquetExport(HubTestBed.Submissions, export);
        _bed.Hub.PageSize = 1;
        using var http = new HttpClient();

        using var first = await http.GetAsync(new Uri(_bed.Hub.Endpoint, $"api/datasets/{HubTestBed.Submissions}/tree/refs/convert/parquet/default/train?recursive=1"));
        var link = first.Headers.GetValues("Link").Single();
        var next = link[1..link.IndexOf('>', StringComparison.Ordinal)];
        using var second = await http.GetAsync(next);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        link.Should().MatchRegex("^<http://127\\.0\\.0\\.1:\\d+/api/datasets/arcprize/sample_eval/tree/refs/convert/parquet/default/train\\?recursive=1&cursor=[^>]+>; rel=\"next\"$");
        (await first.Content.ReadAsStringAsync()).Should().Contain("default/train/0000.parquet");
        (await second.Content.ReadAsStringAsync()).Should().Contain("default/train/0001.parquet");
        second.Headers.Contains("Link").Should().BeFalse("the last page has no Link");
    }

    [Fact]
    public async Task ListTree_OfAMissingFolder_ThrowsEntryNotFound()
    {
        var client = _bed.Client();

        var act = () => client.ListTreeAsync(HubTestBed.Puzzles, path: "nowhere").ToListAsync().AsTask();

        (await act.Should().ThrowAsync<HubNotFoundException>()).Which.Kind.Should().Be(HubNotFoundKind.EntryNotFound);
    }

    [Fact]
    public async Task ListTree_OfAMissingRevision_ThrowsRevisionNotFound()
    {
        var client = _bed.Client();

        var act = () => client.ListTreeAsync(HubTestBed.Puzzles, revision: "v9").ToListAsync().AsTask();

        var thrown = (await act.Should().ThrowAsync<HubNotFoundException>()).Which;
        thrown.Kind.Should().Be(HubNotFoundKind.RevisionNotFound);
        thrown.ErrorCode.Should().Be("RevisionNotFound");
        thrown.RequestId.Should().StartWith("Root=1-");
        thrown.Message.Should().Contain("Invalid rev id: v9");
    }

    [Fact]
    public async Task ListTree_WhenALaterPageFails_RetriesThatPage()
    {
        _bed.Hub.PageSize = 150;
        _bed.Hub.FailNext(1, 502, path => path.Contains("/tree/", StringComparison.Ordinal));
        var client = _bed.Client();

        var entries = await client.ListTreeAsync(HubTestBed.Puzzles, path: "evaluation").ToListAsync();

        entries.Should().HaveCount(400);
        _bed.Hub.Requests.Where(r => r.Path.Contains("/tree/", StringComparison.Ordinal)).Select(r => r.StatusCode).Should().Equal(502, 200, 200, 200);
    }

    [Theory]
    [InlineData("owner/name/extra")]
    [InlineData("owner/../name")]
    [InlineData("owner name/x")]
    public void ListTree_WithAMalformedRepositoryId_ThrowsAtOnce(string repository)
    {
        var client = _bed.Client();

        var act = () => client.ListTreeAsync(repository);

        act.Should().Throw<ArgumentException>().WithParameterName(nameof(repository));
    }
}
