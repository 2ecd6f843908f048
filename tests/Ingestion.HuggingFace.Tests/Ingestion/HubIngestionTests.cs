using System.Text.Json;
using Ingestion.AspNetCore;

namespace Ingestion.HuggingFace.Tests;

/// <summary>The job reading through the real Hub client from the fake Hub on loopback, with its faults switched on.</summary>
public sealed class HubIngestionTests : IAsyncLifetime
{
    private const string Dataset = "arcprize/arc_agi_v1_public_eval";
    private const string Token = "hf_test_TopSecretToken_4f1d9c";
    private readonly TempDirectory _temp = new();
    private FakeHub _hub = null!;
    private GeneratedDataset _generated = null!;

    public async Task InitializeAsync()
    {
        _hub = await FakeHub.StartAsync();
        _hub.AddToken(Token);
        _generated = await ArcDatasetGenerator.WriteSubmissionsAsync(SharedData.LoadEvaluation(400), new ArcDatasetGeneratorOptions { Seed = 5 }, _temp.Combine("dataset"));
        _hub.AddDataset(Dataset, _generated.DatasetDirectory);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _temp.Dispose();
    }

    private IngestionHarness Harness(string? token = Token, Action<HuggingFaceIngestionOptions>? more = null) => new(o =>
    {
        o.Tasks.AddArcAgi1(SharedData.ArcAgi1);
        o.Hub.Endpoint = _hub.Endpoint;
        o.Hub.Token = token ?? "";
        o.Hub.InitialRetryDelay = TimeSpan.FromMilliseconds(20);
        o.Hub.MaxRetryDelay = TimeSpan.FromMilliseconds(100);
        more?.Invoke(o);
    });

    private static HuggingFaceIngestionParameters Parameters(string folder, Action<HuggingFaceIngestionParameters>? change = null)
    {
        var parameters = new HuggingFaceIngestionParameters { Dataset = Dataset, ModelFolder = folder };
        change?.Invoke(parameters);
        return parameters;
    }

    private static bool IsResolve(string path) => path.Contains("/resolve/", StringComparison.Ordinal);

    [Fact]
    public async Task AFullRunThroughTheHub_WithRateLimitsServerErrorsAndCutBodies_CountsExactly_AndNeverLeaksTheToken()
    {
        _hub.PageSize = 50;
        _hub.ResolveMode = FakeHubResolveMode.CdnRedirect;
        _hub.RateLimitNext(2, 1, useRetryAfter: true, IsResolve);
        _hub.FailNext(3, 500, IsResolve);
        _hub.FailNext(1, 503, static p => p.Contains("/tree/", StringComparison.Ordinal));
        _hub.TruncateNext(3, 40, static p => p.StartsWith("/cdn/", StringComparison.Ordinal));
        await using var harness = Harness();
        var model = _generated.Models[1];

        var final = await harness.RunAsync(Parameters(model.Folder));

        final.ShouldMatch(model, harness.Repository);
        var requests = _hub.Requests;
        requests.Where(static r => r.StatusCode == 429).Should().HaveCount(2);
        requests.Where(static r => r.StatusCode == 500).Should().HaveCount(3);
        requests.Where(static r => r.Range is not null).Should().NotBeEmpty("cut bodies are resumed with a range");
        requests.Where(static r => r.Host == FakeHubHost.Hub).Should().OnlyContain(static r => r.Authorization == "Bearer " + Token);
        requests.Where(static r => r.Host == FakeHubHost.Cdn).Should().NotBeEmpty().And.OnlyContain(static r => r.Authorization == null);
        requests.Count(static r => IsResolve(r.Path) && r.StatusCode == 404).Should().Be(model.NotFound, "a puzzle without a file is asked for once");

        harness.Logs.Entries.Should().NotContain(static e => e.Message.Contains(Token, StringComparison.Ordinal));
        var wire = JsonSerializer.Serialize(harness.Events.Events, IngestionWireJson.Options);
        wire.Should().NotContain(Token);
        wire.Should().NotContain("TopSecret");
        JsonSerializer.Serialize(final, IngestionWireJson.Options).Should().NotContain(Token);
    }

    [Fact]
    public async Task TheRealSampleSubmission_ThroughTheHub()
    {
        _hub.AddDataset("arcprize/sample", Path.Combine(SharedData.BenchmarkingSample, "submissions"));
        await using var harness = Harness(more: o => o.Tasks.Add("Sample", Path.Combine(SharedData.BenchmarkingSample, "tasks")));

        var final = await harness.RunAsync(new HuggingFaceIngestionParameters { Dataset = "arcprize/sample", ModelFolder = "example_model", Source = "Sample" });

        final.State.Should().Be(JobState.Completed, final.Error?.Message);
        final.Progress.Succeeded.Should().Be(1);
        final.Counter("NotFound").Should().Be(1);
        harness.Repository.GetAll().Should().ContainSingle().Which.IsCorrect.Should().BeTrue();
    }

    [Fact]
    public async Task APrivateDatasetWithoutAToken_FailsTheJob_SayingTheTokenIsMissing()
    {
        _hub.SetAccess(Dataset, FakeRepoAccess.Private, Token);
        await using var harness = Harness(token: null);

        var final = await harness.RunAsync(Parameters(_generated.Models[0].Folder));

        final.State.Should().Be(JobState.Failed);
        final.Error!.Message.Should().Contain("no token was sent");
        harness.Repository.Count.Should().Be(0);
    }

    [Fact]
    public async Task AWrongToken_FailsTheJob_SayingItWasRejected_WithoutShowingIt()
    {
        const string wrong = "hf_wrong_token_value_123";
        await using var harness = Harness(token: wrong);

        var final = await harness.RunAsync(Parameters(_generated.Models[0].Folder));

        final.State.Should().Be(JobState.Failed);
        final.Error!.Message.Should().Contain("rejected").And.NotContain(wrong);
        harness.Logs.Entries.Should().NotContain(static e => e.Message.Contains(wrong, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PausingMidRun_StopsTheRequests_AndResumingFinishesExactly()
    {
        _hub.Delay(TimeSpan.FromMilliseconds(30), IsResolve);
        await using var harness = Harness();
        var model = _generated.Models[0];
        var job = await harness.StartAsync(Parameters(model.Folder, p => p.Limit = 120));
        await Wait.UntilAsync(() => _hub.Requests.Count(static r => IsResolve(r.Path)) >= 10, "some files are fetched");

        (await harness.Manager.PauseAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        await Wait.UntilAsync(async () => (await harness.Manager.GetAsync(job.Id))!.State == JobState.Paused, "the job is paused");
        await Task.Delay(200); // downloads already running when the pause came may finish
        var atPause = _hub.Requests.Count;
        await Task.Delay(TimeSpan.FromSeconds(1));
        _hub.Requests.Count.Should().Be(atPause, "a paused job makes no requests");
        (await harness.Manager.GetAsync(job.Id))!.Progress.Processed.Should().BeLessThan(120);

        (await harness.Manager.ResumeAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        var final = await harness.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Completed);
        final.Progress.Processed.Should().Be(120);
        final.Progress.Succeeded.Should().Be(model.Tasks.Take(120).Count(static t => t.Outcome == GeneratedPuzzleOutcome.Succeeded));
    }

    [Fact]
    public async Task CancellingDuringASlowDownload_AbortsIt_AndTheJobEndsAtOnce()
    {
        _hub.Delay(TimeSpan.FromSeconds(60), IsResolve);
        await using var harness = Harness();
        var job = await harness.StartAsync(Parameters(_generated.Models[0].Folder));
        await Wait.UntilAsync(() => _hub.Requests.Any(static r => IsResolve(r.Path)), "a download is in flight");

        var cancelled = DateTime.UtcNow;
        (await harness.Manager.CancelAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        var final = await harness.Manager.WaitForCompletionAsync(job.Id).OrTimeout(TimeSpan.FromSeconds(10));

        final.State.Should().Be(JobState.Cancelled);
        (DateTime.UtcNow - cancelled).Should().BeLessThan(TimeSpan.FromSeconds(10), "the in-flight request is aborted, not waited for");
        harness.Repository.Count.Should().Be(0);
    }

    [Fact]
    public async Task WithADownloadCache_ARerunDownloadsNothing()
    {
        var cache = _temp.Combine("cache");
        await using var harness = Harness(more: o => o.Hub.CacheDirectory = cache);
        var model = _generated.Models[0];
        var first = await harness.RunAsync(Parameters(model.Folder, p => p.Limit = 40));
        first.Progress.Succeeded.Should().BeGreaterThan(0);
        _hub.ClearRequests();

        var second = await harness.RunAsync(Parameters(model.Folder, p => { p.Limit = 40; p.ForceOverwrite = true; }));

        second.Progress.Succeeded.Should().Be(first.Progress.Succeeded);
        _hub.Requests.Where(static r => IsResolve(r.Path) && r.StatusCode == 200).Should().BeEmpty("every file came from the cache");
    }
}
