using System.Security.Cryptography;

namespace Ingestion.HuggingFace.Tests.Hub;

public sealed class HubClientDownloadTests : IAsyncLifetime
{
    private const string Submission = "example_model/66e6c45b.json";

    private HubTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await HubTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private static byte[] SubmissionBytes => HubTestBed.SharedFile("arc-agi-benchmarking-sample/submissions/" + Submission);

    private static byte[] BigBytes => HubTestBed.RandomBytes(256 * 1024, seed: 1);

    [Fact]
    public async Task OpenFile_Direct_StreamsTheFile_WithItsGitETagAndCommit()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.Direct;
        var client = _bed.Client();

        await using var file = await client.OpenFileAsync(HubTestBed.Submissions, "main", Submission);
        var bytes = await HubTestBed.ReadAllAsync(file);

        bytes.Should().Equal(SubmissionBytes);
        file.ETag.Should().Be(FakeHub.GitBlobSha1(SubmissionBytes));
        file.Commit.Should().Be(_bed.Hub.CommitOf(HubTestBed.Submissions));
        file.Length.Should().Be(SubmissionBytes.Length);
        file.FromCache.Should().BeFalse();
        file.Content.CanSeek.Should().BeFalse();
        _bed.Hub.Requests.Should().ContainSingle().Which.Authorization.Should().Be("Bearer " + HubTestBed.Token);
    }

    [Fact]
    public async Task OpenFile_ThroughARelativeRedirect_KeepsTheTokenOnTheSameHost()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.RelativeRedirect;
        var client = _bed.Client();

        await using var file = await client.OpenFileAsync(HubTestBed.Submissions, "main", Submission);
        var bytes = await HubTestBed.ReadAllAsync(file);

        bytes.Should().Equal(SubmissionBytes);
        file.ETag.Should().Be(FakeHub.GitBlobSha1(SubmissionBytes));
        var requests = _bed.Hub.Requests;
        requests.Select(r => r.StatusCode).Should().Equal(307, 200);
        requests[1].Path.Should().StartWith("/api/resolve-cache/datasets/");
        requests.Should().OnlyContain(r => r.Host == FakeHubHost.Hub && r.Authorization == "Bearer " + HubTestBed.Token);
    }

    [Fact]
    public async Task OpenFile_ThroughTheCdn_DropsTheTokenThere_AndTakesTheHubsETagNotTheCdns()
    {
        var client = _bed.Client();

        await using var file = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.LfsFile);
        var bytes = await HubTestBed.ReadAllAsync(file);

        bytes.Should().Equal(HubTestBed.RandomBytes(64 * 1024, seed: 2));
        file.ETag.Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        file.Length.Should().Be(64 * 1024);
        file.Commit.Should().Be(_bed.Hub.CommitOf(HubTestBed.Generated));
        var requests = _bed.Hub.Requests;
        requests.Select(r => (r.Host, r.StatusCode)).Should().Equal((FakeHubHost.Hub, 302), (FakeHubHost.Cdn, 200));
        requests[0].Authorization.Should().Be("Bearer " + HubTestBed.Token);
        requests[1].Authorization.Should().BeNull();
        requests[1].PathAndQuery.Should().Contain("Signature=");
    }

    [Fact]
    public async Task OpenFile_WhenTheBodyIsCut_ResumesWithARange_ByteIdentical()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.Direct;
        _bed.Hub.TruncateNext(1, 100_000, path => path.EndsWith("big.bin", StringComparison.Ordinal));
        var client = _bed.Client();

        await using var file = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.BigFile);
        var bytes = await HubTestBed.ReadAllAsync(file);

        bytes.Should().Equal(BigBytes);
        var requests = _bed.RequestsEndingWith("big.bin");
        requests.Should().HaveCount(2);
        requests[0].Range.Should().BeNull();
        requests[1].Range.Should().MatchRegex("^bytes=[1-9][0-9]*-$");
        requests[1].StatusCode.Should().Be(206);
        _bed.Logs.Entries.Should().Contain(e => e.EventId.Id == 503 && e.Message.Contains("resuming", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenFile_WhenTheCdnBodyIsCut_ResumesThroughTheHub_WithoutTheTokenAtTheCdn()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.CdnRedirect;
        _bed.Hub.TruncateNext(1, 50_000, path => path.StartsWith("/cdn/", StringComparison.Ordinal));
        var client = _bed.Client();

        await using var file = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.BigFile);
        var bytes = await HubTestBed.ReadAllAsync(file);

        bytes.Should().Equal(BigBytes);
        var requests = _bed.Hub.Requests;
        requests.Select(r => r.Host).Should().Equal(FakeHubHost.Hub, FakeHubHost.Cdn, FakeHubHost.Hub, FakeHubHost.Cdn);
        requests.Where(r => r.Host == FakeHubHost.Cdn).Should().OnlyContain(r => r.Authorization == null);
        requests[3].Range.Should().StartWith("bytes=");
        requests[3].StatusCode.Should().Be(206);
    }

    [Fact]
    public async Task OpenFile_WhenTheServerIgnoresTheRange_SkipsTheBytesAlreadyDelivered()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.Direct;
        _bed.Hub.IgnoreRange = true;
        _bed.Hub.TruncateNext(2, 70_000, path => path.EndsWith("big.bin", StringComparison.Ordinal));
        var client = _bed.Client();

        await using var file = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.BigFile);
        var bytes = await HubTestBed.ReadAllAsync(file);

        bytes.Should().Equal(BigBytes);
        var requests = _bed.RequestsEndingWith("big.bin");
        requests.Should().HaveCount(3);
        requests.Skip(1).Should().OnlyContain(r => r.Range != null && r.StatusCode == 200);
    }

    [Fact]
    public async Task OpenFile_Gzipped_AndChunked_IsDecompressed()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.Direct;
        _bed.Hub.Gzip = true;
        var client = _bed.Client();

        await using var file = await client.OpenFileAsync(HubTestBed.Submissions, "main", Submission);
        var bytes = await HubTestBed.ReadAllAsync(file);

        bytes.Should().Equal(SubmissionBytes);
        file.Length.Should().BeNull("a compressed answer of unknown length says nothing about the file's");
        file.ETag.Should().Be(FakeHub.GitBlobSha1(SubmissionBytes));
    }

    [Fact]
    public async Task OpenFile_GzippedAndCut_ResumesUncompressed_ByteIdentical()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.Direct;
        _bed.Hub.Gzip = true;
        _bed.Hub.TruncateNext(1, 150_000, path => path.EndsWith("big.bin", StringComparison.Ordinal));
        var client = _bed.Client();

        await using var file = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.BigFile);
        var bytes = await HubTestBed.ReadAllAsync(file);

        bytes.Should().Equal(BigBytes);
        _bed.RequestsEndingWith("big.bin").Select(r => r.StatusCode).Should().Equal(200, 206);
    }

    [Fact]
    public async Task OpenFile_OfAMissingFile_ThrowsEntryNotFound()
    {
        var client = _bed.Client();

        var act = () => client.OpenFileAsync(HubTestBed.Submissions, "main", "example_model/00000000.json");

        var thrown = (await act.Should().ThrowAsync<HubNotFoundException>()).Which;
        thrown.Kind.Should().Be(HubNotFoundKind.EntryNotFound);
        thrown.Message.Should().Contain("'example_model/00000000.json' was not found in arcprize/sample_eval at main");
        _bed.Hub.Requests.Should().ContainSingle("a 404 is not retried");
    }

    [Fact]
    public async Task OpenFile_WhenCancelled_AbortsTheRequestInFlight()
    {
        _bed.Hub.Delay(TimeSpan.FromMinutes(5), path => path.Contains("/resolve/", StringComparison.Ordinal));
        var client = _bed.Client();
        using var cancellation = new CancellationTokenSource();

        var open = client.OpenFileAsync(HubTestBed.Submissions, "main", Submission, cancellationToken: cancellation.Token);
        await Wait.UntilAsync(() => _bed.Hub.Requests.Count == 1, "the fake has the request");
        await cancellation.CancelAsync();

        var act = () => open.OrTimeout();
        await act.Should().ThrowAsync<OperationCanceledException>();
        _bed.Hub.Requests.Should().ContainSingle("a cancellation is not retried");
    }

    [Fact]
    public async Task OpenFile_WhenCancelledAfterOpening_AbortsTheBodyRead()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.Direct;
        var client = _bed.Client();
        using var cancellation = new CancellationTokenSource();

        await using var file = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.BigFile, cancellationToken: cancellation.Token);
        var buffer = new byte[1024];
        (await file.Content.ReadAsync(buffer)).Should().BePositive();
        await cancellation.CancelAsync();

        var act = async () => await file.Content.ReadAsync(buffer);
        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task OpenUrl_OfAnotherHost_NeverSendsTheToken()
    {
        var client = _bed.Client();
        var hubUrl = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.LfsFile);
        await hubUrl.DisposeAsync();
        var cdnUrl = new Uri(_bed.Hub.CdnEndpoint, _bed.Hub.Requests[1].PathAndQuery);
        _bed.Hub.ClearRequests();

        await using var file = await client.OpenUrlAsync(cdnUrl);
        var bytes = await HubTestBed.ReadAllAsync(file);

        bytes.Should().Equal(HubTestBed.RandomBytes(64 * 1024, seed: 2));
        _bed.Hub.Requests.Should().ContainSingle().Which.Authorization.Should().BeNull();
    }
}
