using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Ingestion.HuggingFace.Tests.Hub;

public sealed class HubClientRetryTests : IAsyncLifetime
{
    private const string Submission = "example_model/66e6c45b.json";

    private HubTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await HubTestBed.StartAsync();
        _bed.Hub.ResolveMode = FakeHubResolveMode.Direct;
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private static bool IsResolve(string path) => path.Contains("/resolve/", StringComparison.Ordinal);

    [Fact]
    public async Task A429WithRetryAfter_IsRetried_NoSoonerThanItSays()
    {
        _bed.Hub.RateLimitNext(1, seconds: 1, useRetryAfter: true, IsResolve);
        var client = _bed.Client();

        await using var file = await client.OpenFileAsync(HubTestBed.Submissions, "main", Submission);
        await HubTestBed.ReadAllAsync(file);

        var requests = _bed.RequestsEndingWith(Submission);
        requests.Select(r => r.StatusCode).Should().Equal(429, 200);
        (requests[1].Elapsed - requests[0].Elapsed).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        _bed.Logs.Entries.Should().Contain(e => e.EventId.Id == 501 && e.Message.Contains("429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheWaitBeforeARetry_RunsOnTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        _bed.Hub.RateLimitNext(1, seconds: 600, useRetryAfter: true, IsResolve);
        var client = _bed.Client(timeProvider: time);

        var open = client.OpenFileAsync(HubTestBed.Submissions, "main", Submission);
        await _bed.Logs.WaitForAsync(e => e.EventId.Id == 501, "the client waits to retry");
        _bed.RequestsEndingWith(Submission).Should().ContainSingle("the ten minutes have not passed");
        time.Advance(TimeSpan.FromMinutes(10));
        await using var file = await open.OrTimeout();

        _bed.RequestsEndingWith(Submission).Select(r => r.StatusCode).Should().Equal(429, 200);
        _bed.Logs.Entries.Should().Contain(e => e.EventId.Id == 501 && e.Message.Contains("00:10:00", StringComparison.Ordinal));
    }

    [Fact]
    public void TheBackoff_DoublesFromTheInitialDelay_UpToTheCap_ShortenedByAtMostAQuarter()
    {
        var options = new HuggingFaceHubOptions { InitialRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(8) };
        var transport = new HubTransport(new HttpClient(), options, null, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System);

        for (var i = 0; i < 50; i++)
        {
            transport.Backoff(0).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.75)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(1));
            transport.Backoff(2).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(3)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(4));
            transport.Backoff(4).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(6)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(8));
            transport.Backoff(60).Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(8));
        }
    }

    [Fact]
    public async Task A429WithAnEmptyRateLimit_WaitsUntilTheWindowResetsPlusASecond()
    {
        _bed.Hub.RateLimitNext(1, seconds: 0, useRetryAfter: false, path => path.Contains("/tree/", StringComparison.Ordinal));
        var client = _bed.Client();

        var entries = await client.ListTreeAsync(HubTestBed.Puzzles).ToListAsync();

        entries.Should().HaveCount(3);
        var requests = _bed.Hub.Requests;
        requests.Select(r => r.StatusCode).Should().Equal(429, 200);
        (requests[1].Elapsed - requests[0].Elapsed).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1), "t=0 means the window resets now; the client adds a second");
    }

    [Theory]
    [InlineData(408)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task ARetryableStatus_ThenSuccess_Succeeds(int status)
    {
        _bed.Hub.FailNext(1, status, IsResolve);
        var client = _bed.Client();

        await using var file = await client.OpenFileAsync(HubTestBed.Submissions, "main", Submission);
        var bytes = await HubTestBed.ReadAllAsync(file);

        bytes.Should().NotBeEmpty();
        _bed.RequestsEndingWith(Submission).Select(r => r.StatusCode).Should().Equal(status, 200);
    }

    [Fact]
    public async Task AResponseSlowerThanTheRequestTimeout_IsRetried()
    {
        _bed.Hub.Delay(TimeSpan.FromSeconds(30), IsResolve, count: 1);
        var client = _bed.Client(o => o.RequestTimeout = TimeSpan.FromSeconds(1));

        await using var file = await client.OpenFileAsync(HubTestBed.Submissions, "main", Submission);
        await HubTestBed.ReadAllAsync(file);

        // More than two only if the machine is so busy that a retry, too, took over a second.
        var requests = _bed.RequestsEndingWith(Submission);
        requests.Should().HaveCountGreaterThanOrEqualTo(2);
        requests[0].StatusCode.Should().Be(0, "the slow one was never answered");
        requests[^1].StatusCode.Should().Be(200);
        _bed.Logs.Entries.Should().Contain(e => e.EventId.Id == 501 && e.Message.Contains("no response within", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhenTheRetriesRunOut_ThrowsWithTheLastStatus()
    {
        _bed.Hub.FailNext(100, 503, IsResolve);
        var client = _bed.Client(o => o.MaxRetries = 2);

        var act = () => client.OpenFileAsync(HubTestBed.Submissions, "main", Submission);

        var thrown = (await act.Should().ThrowExactlyAsync<HuggingFaceHubException>()).Which;
        thrown.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        thrown.Message.Should().Contain("503").And.Contain("Injected failure 503");
        _bed.RequestsEndingWith(Submission).Should().HaveCount(3, "one try and two retries");
    }

    [Fact]
    public async Task WhenTheHubIsUnreachable_ThrowsAfterTheRetries_WithoutAStatus()
    {
        var endpoint = _bed.Hub.Endpoint;
        await _bed.Hub.DisposeAsync();
        var client = _bed.Client(o =>
        {
            o.Endpoint = endpoint;
            o.MaxRetries = 1;
        });

        var act = () => client.GetDatasetInfoAsync(HubTestBed.Submissions);

        var thrown = (await act.Should().ThrowExactlyAsync<HuggingFaceHubException>()).Which;
        thrown.StatusCode.Should().BeNull();
        thrown.Message.Should().Contain("failed after 2 attempts");
        thrown.InnerException.Should().BeAssignableTo<HttpRequestException>();
    }

    [Fact]
    public async Task AClientError_IsNotRetried()
    {
        _bed.Hub.FailNext(1, 400, IsResolve);
        var client = _bed.Client();

        var act = () => client.OpenFileAsync(HubTestBed.Submissions, "main", Submission);

        (await act.Should().ThrowExactlyAsync<HuggingFaceHubException>()).Which.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        _bed.RequestsEndingWith(Submission).Should().ContainSingle();
    }

    [Fact]
    public async Task ABodyCutOffMoreOftenThanTheRetries_GivesUp()
    {
        _bed.Hub.TruncateNext(100, 0, path => path.EndsWith("big.bin", StringComparison.Ordinal));
        var client = _bed.Client(o => o.MaxRetries = 2);

        await using var file = await client.OpenFileAsync(HubTestBed.Generated, "main", HubTestBed.BigFile);
        var act = () => HubTestBed.ReadAllAsync(file);

        (await act.Should().ThrowExactlyAsync<HuggingFaceHubException>()).Which.Message.Should().Contain("without progress");
        _bed.RequestsEndingWith("big.bin").Should().HaveCount(3);
    }
}
