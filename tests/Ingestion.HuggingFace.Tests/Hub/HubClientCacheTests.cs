namespace Ingestion.HuggingFace.Tests.Hub;

public sealed class HubClientCacheTests : IAsyncLifetime
{
    private const string Submission = "example_model/66e6c45b.json";

    private HubTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await HubTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private string CacheFolder => Path.Combine(_bed.Folder, "cache");

    private static byte[] SubmissionBytes => HubTestBed.SharedFile("arc-agi-benchmarking-sample/submissions/" + Submission);

    private HuggingFaceHubClient CachingClient(Action<HuggingFaceHubOptions>? configure = null)
        => _bed.Client(o =>
        {
            o.CacheDirectory = CacheFolder;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task AFileIsCachedAsABlobNamedByItsETag()
    {
        var client = CachingClient();

        await using var file = await client.OpenFileAsync(HubTestBed.Submissions, "main", Submission);
        var bytes = await HubTestBed.ReadAllAsync(file);

        bytes.Should().Equal(SubmissionBytes);
        file.FromCache.Should().BeFalse("it was downloaded");
        file.Content.CanSeek.Should().BeTrue();
        var blob = Path.Combine(CacheFolder, "datasets--arcprize--sample_eval", "blobs", FakeHub.GitBlobSha1(SubmissionBytes));
        File.ReadAllBytes(blob).Should().Equal(SubmissionBytes);
        File.ReadAllText(Path.Combine(CacheFolder, "datasets--arcprize--sample_eval", "etags", "main", "example_model", "66e6c45b.json"))
            .Should().Be(FakeHub.GitBlobSha1(SubmissionBytes));
    }

    [Fact]
    public async Task ASecondOpen_WithTheExpectedETag_MakesNoRequest()
    {
        var client = CachingClient();
        var entry = (await client.ListTreeAsync(HubTestBed.Submissions, path: "example_model").ToListAsync()).Single();
        await using (var first = await client.OpenFileAsync(HubTestBed.Submissions, "main", entry.Path, entry.ETag))
        {
            first.FromCache.Should().BeFalse();
        }

        _bed.Hub.ClearRequests();

        await using var second = await CachingClient().OpenFileAsync(HubTestBed.Submissions, "main", entry.Path, entry.ETag);
        var bytes = await HubTestBed.ReadAllAsync(second);

        bytes.Should().Equal(SubmissionBytes);
        second.FromCache.Should().BeTrue();
        second.ETag.Should().Be(entry.ETag);
        _bed.Hub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task ASecondOpen_OfAnLfsFileThroughTheCdn_WithTheExpectedETag_MakesNoRequest()
    {
        var client = CachingClient();
        var entry = (await client.ListTreeAsync(HubTestBed.Generated, path: "lfs").ToListAsync()).Single();
        await using (var first = await client.OpenFileAsync(HubTestBed.Generated, "main", entry.Path, entry.ETag))
        {
            first.ETag.Should().Be(entry.ETag);
        }

        _bed.Hub.ClearRequests();

        await using var second = await client.OpenFileAsync(HubTestBed.Generated, "main", entry.Path, entry.ETag);

        second.FromCache.Should().BeTrue();
        _bed.Hub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task ASecondOpen_WithoutAnETag_AsksIfNoneMatch_AndTakesThe304()
    {
        await using (var first = await CachingClient().OpenFileAsync(HubTestBed.Submissions, "main", Submission))
        {
            await HubTestBed.ReadAllAsync(first);
        }

        _bed.Hub.ClearRequests();

        await using var second = await CachingClient().OpenFileAsync(HubTestBed.Submissions, "main", Submission);
        var bytes = await HubTestBed.ReadAllAsync(second);

        bytes.Should().Equal(SubmissionBytes);
        second.FromCache.Should().BeTrue();
        second.Commit.Should().Be(_bed.Hub.CommitOf(HubTestBed.Submissions));
        var request = _bed.Hub.Requests.Should().ContainSingle().Subject;
        request.IfNoneMatch.Should().Be($"\"{FakeHub.GitBlobSha1(SubmissionBytes)}\"");
        request.StatusCode.Should().Be(304);
    }

    [Fact]
    public async Task AFileThatChanged_IsDownloadedAgain()
    {
        var version1 = _bed.WriteFiles("v1", new Dictionary<string, byte[]> { ["m/a.json"] = "[1]"u8.ToArray() });
        var version2 = _bed.WriteFiles("v2", new Dictionary<string, byte[]> { ["m/a.json"] = "[2]"u8.ToArray() });
        _bed.Hub.AddDataset("o/changing", version1);
        await using (var first = await CachingClient().OpenFileAsync("o/changing", "main", "m/a.json"))
        {
            (await HubTestBed.ReadAllAsync(first)).Should().Equal("[1]"u8.ToArray());
        }

        _bed.Hub.AddDataset("o/changing", version2);

        await using var second = await CachingClient().OpenFileAsync("o/changing", "main", "m/a.json");

        (await HubTestBed.ReadAllAsync(second)).Should().Equal("[2]"u8.ToArray());
        second.FromCache.Should().BeFalse();
        _bed.Hub.Requests[^1].IfNoneMatch.Should().NotBeNull();
        Directory.GetFiles(Path.Combine(CacheFolder, "datasets--o--changing", "blobs")).Should().HaveCount(2);
    }

    [Fact]
    public async Task AFailedDownload_LeavesNoFileInTheCache()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.Direct;
        _bed.Hub.TruncateNext(1, 20_000, path => path.EndsWith("big.bin", StringComparison.Ordinal));
        _bed.Hub.TruncateNext(100, 0, path => path.EndsWith("big.bin", StringComparison.Ordinal));
        var client = CachingClient(o => o.MaxRetries = 2);

        var act = () => client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.BigFile);

        (await act.Should().ThrowAsync<HuggingFaceHubException>()).Which.Message.Should().Contain("without progress");
        _bed.RequestsEndingWith("big.bin").Should().HaveCount(3, "the first answer is cut after some bytes, then two resumes bring none");
        var blobs = Path.Combine(CacheFolder, "datasets--tests--generated", "blobs");
        (Directory.Exists(blobs) ? Directory.GetFiles(blobs) : []).Should().BeEmpty("the incomplete file is deleted");
    }

    [Fact]
    public async Task ADownloadCutMidway_IsResumedIntoTheCache_ByteIdentical()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.CdnRedirect;
        _bed.Hub.TruncateNext(1, 100_000, path => path.StartsWith("/cdn/", StringComparison.Ordinal));
        var client = CachingClient();

        await using var file = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.BigFile);

        (await HubTestBed.ReadAllAsync(file)).Should().Equal(HubTestBed.RandomBytes(256 * 1024, seed: 1));
        file.Length.Should().Be(256 * 1024);
        Directory.GetFiles(Path.Combine(CacheFolder, "datasets--tests--generated", "blobs")).Should().ContainSingle()
            .Which.Should().EndWith(_bed.Hub.ETagOf(HubTestBed.Generated, HubTestBed.BigFile));
    }
}
