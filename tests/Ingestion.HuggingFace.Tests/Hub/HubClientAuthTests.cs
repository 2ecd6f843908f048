using System.Net;

namespace Ingestion.HuggingFace.Tests.Hub;

public sealed class HubClientAuthTests : IAsyncLifetime
{
    private const string Submission = "example_model/66e6c45b.json";
    private const string Private = "someone/private_runs";
    private const string Gated = "someone/gated_runs";
    private const string Approved = "hf_ApprovedTokenForTheGatedAndPrivateRepos42";

    private HubTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await HubTestBed.StartAsync();
        var submissions = Path.Combine(HubTestBed.SharedData, "arc-agi-benchmarking-sample", "submissions");
        _bed.Hub.AddDataset(Private, submissions);
        _bed.Hub.AddDataset(Gated, submissions);
        _bed.Hub.SetAccess(Private, FakeRepoAccess.Private, Approved);
        _bed.Hub.SetAccess(Gated, FakeRepoAccess.Gated, Approved);
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task APrivateRepository_WithoutAToken_SaysTheTokenIsMissing()
    {
        var client = _bed.Client(token: "");

        var act = () => client.ListTreeAsync(Private).ToListAsync().AsTask();

        var thrown = (await act.Should().ThrowAsync<HubAuthenticationException>()).Which;
        thrown.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        thrown.TokenSent.Should().BeFalse();
        thrown.Message.Should().Contain("no token was sent: set HF_TOKEN or HuggingFaceHubOptions.Token");
        client.HasToken.Should().BeFalse();
        _bed.Hub.Requests.Should().ContainSingle().Which.Authorization.Should().BeNull();
    }

    [Fact]
    public async Task AMissingRepository_WithoutAToken_LooksLikeAPrivateOne_AndSaysTheTokenIsMissing()
    {
        var client = _bed.Client(token: "");

        var act = () => client.GetDatasetInfoAsync("nobody/nothing");

        (await act.Should().ThrowAsync<HubAuthenticationException>()).Which.Message.Should().Contain("no token was sent");
    }

    [Fact]
    public async Task AnUnknownToken_IsRejected_AndTheMessageSaysSo()
    {
        const string wrong = "hf_WrongTokenWrongTokenWrongToken000";
        var client = _bed.Client(token: wrong);

        var act = () => client.OpenFileAsync(HubTestBed.Submissions, "main", Submission);

        var thrown = (await act.Should().ThrowAsync<HubAuthenticationException>()).Which;
        thrown.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        thrown.TokenSent.Should().BeTrue();
        thrown.Message.Should().Contain("the token was rejected").And.Contain(FakeHub.InvalidCredentialsMessage).And.NotContain(wrong);
    }

    [Fact]
    public async Task AGatedRepository_WithAnUnapprovedToken_SaysTheTokenHasNoAccess()
    {
        var client = _bed.Client();

        var act = () => client.OpenFileAsync(Gated, "main", Submission);

        var thrown = (await act.Should().ThrowAsync<HubAuthenticationException>()).Which;
        thrown.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        thrown.ErrorCode.Should().Be("GatedRepo");
        thrown.Message.Should().Contain($"the token has no access to {Gated} (gated or private)");
    }

    [Fact]
    public async Task AGatedRepository_WithoutAToken_SaysTheTokenIsMissing_ButItsListingIsOpen()
    {
        var client = _bed.Client(token: "");

        var entries = await client.ListTreeAsync(Gated).ToListAsync();
        var act = () => client.OpenFileAsync(Gated, "main", Submission);

        entries.Should().ContainSingle().Which.Name.Should().Be("example_model");
        var thrown = (await act.Should().ThrowAsync<HubAuthenticationException>()).Which;
        thrown.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        thrown.Message.Should().Contain("no token was sent");
    }

    [Fact]
    public async Task APrivateRepository_WithATokenThatCannotSeeIt_IsNotFound()
    {
        var client = _bed.Client();

        var act = () => client.OpenFileAsync(Private, "main", Submission);

        var thrown = (await act.Should().ThrowAsync<HubNotFoundException>()).Which;
        thrown.Kind.Should().Be(HubNotFoundKind.RepositoryNotFound);
        thrown.Message.Should().Contain("or the token has no access to it");
    }

    [Fact]
    public async Task AnApprovedToken_ReadsPrivateAndGatedRepositories()
    {
        var client = _bed.Client(token: Approved);

        await using var fromPrivate = await client.OpenFileAsync(Private, "main", Submission);
        await using var fromGated = await client.OpenFileAsync(Gated, "main", Submission);

        (await HubTestBed.ReadAllAsync(fromPrivate)).Should().Equal(await HubTestBed.ReadAllAsync(fromGated));
    }

    [Fact]
    public async Task WhenTheHubRequiresAToken_ItReachesTheHub()
    {
        _bed.Hub.RequireToken = true;
        var anonymous = _bed.Client(token: "");
        var authenticated = _bed.Client();

        var refused = () => anonymous.GetDatasetInfoAsync(HubTestBed.Submissions);
        var info = await authenticated.GetDatasetInfoAsync(HubTestBed.Submissions);

        (await refused.Should().ThrowAsync<HubAuthenticationException>()).Which.TokenSent.Should().BeFalse();
        info.IsAuthenticated.Should().BeTrue();
    }

    [Fact]
    public async Task TheToken_NeverAppearsInALogLineOrAnExceptionMessage()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.ByFileKind;
        _bed.Hub.FailNext(1, 503);
        _bed.Hub.RateLimitNext(1, 0, useRetryAfter: false);
        _bed.Hub.TruncateNext(1, 10_000);
        var client = _bed.Client(o => o.CacheDirectory = Path.Combine(_bed.Folder, "cache"));
        var messages = new List<string>();

        await using (var file = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.BigFile))
        {
            await HubTestBed.ReadAllAsync(file);
        }

        await using (var file = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.LfsFile))
        {
            await HubTestBed.ReadAllAsync(file);
        }

        await using (var file = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.LfsFile))
        {
            file.FromCache.Should().BeTrue();
        }

        foreach (var failing in new Func<Task>[]
        {
            () => client.OpenFileAsync(HubTestBed.Submissions, "main", "missing.json"),
            () => client.OpenFileAsync(Gated, "main", Submission),
            () => client.OpenFileAsync(Private, "main", Submission),
            () => client.ListTreeAsync(HubTestBed.Puzzles, "nope").ToListAsync().AsTask(),
        })
        {
            var thrown = await Record.ExceptionAsync(failing);
            thrown.Should().NotBeNull();
            messages.Add(thrown!.ToString());
        }

        _bed.Hub.Requests.Should().Contain(r => r.Authorization == "Bearer " + HubTestBed.Token, "the token was used");
        _bed.Logs.Entries.Should().Contain(e => e.EventId.Id == 501).And.Contain(e => e.EventId.Id == 502).And.Contain(e => e.EventId.Id == 503);
        _bed.Logs.Entries.Should().NotContain(e => e.Message.Contains(HubTestBed.Token, StringComparison.Ordinal));
        _bed.Logs.Entries.Should().NotContain(e => e.Message.Contains("Signature=", StringComparison.Ordinal), "signed CDN URLs are logged without their query");
        messages.Should().NotContain(m => m.Contains(HubTestBed.Token, StringComparison.Ordinal));
    }
}
