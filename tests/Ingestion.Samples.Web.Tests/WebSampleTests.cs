using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ingestion.Samples.Web.Tests;

/// <summary>The web sample as a process: everything behind the API key, and a full run on the embedded dataset.</summary>
public sealed class WebSampleTests(WebSampleProcess sample) : IClassFixture<WebSampleProcess>
{
    private const string Model = "synthetic-medium";

    private object Parameters => new
    {
        dataset = "generated/arc-synthetic",
        localPath = sample.LocalDataset,
        modelFolder = Model,
        source = "Generated",
        delayMs = 0,
    };

    [Theory]
    [InlineData("GET", "api/admin/ingestion-jobs")]
    [InlineData("GET", "api/admin/ingestion-history")]
    [InlineData("POST", "api/admin/validate-ingestion")]
    [InlineData("POST", "api/admin/start-ingestion?kind=huggingface")]
    [InlineData("POST", "api/admin/cancel-ingestion/0123")]
    [InlineData("GET", "api/admin/hf-folders?dataset=generated/arc-synthetic")]
    public async Task TheEndpoints_WithoutTheKey_Answer401(string method, string path)
    {
        using var client = sample.CreateClient(withKey: false);
        using var wrongKey = sample.CreateClient(withKey: false);
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "not-the-key");

        foreach (var caller in (HttpClient[])[client, wrongKey])
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(Parameters) : null };
            using var response = await caller.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task TheAuthorizationHeader_WithTheKey_IsAccepted()
    {
        using var client = sample.CreateClient(withKey: false);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "ApiKey " + WebSampleProcess.ApiKey);

        using var response = await client.GetAsync(new Uri("api/admin/ingestion-jobs", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TheWebSocket_WithoutTheKey_IsRefusedWith401_AndWithItConnects()
    {
        var url = new Uri("ws://" + sample.BaseAddress.Authority + "/api/admin/ingestion-progress");
        using (var anonymous = new ClientWebSocket())
        {
            anonymous.Options.CollectHttpResponseDetails = true;
            var connect = () => anonymous.ConnectAsync(url, CancellationToken.None);
            await connect.Should().ThrowAsync<WebSocketException>();
            anonymous.HttpStatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Api-Key", WebSampleProcess.ApiKey);
        await socket.ConnectAsync(url, CancellationToken.None).OrTimeout();
        await socket.SendAsync("""{ "type": "ping", "requestId": "r1" }"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[64 * 1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None).OrTimeout();
        JsonDocument.Parse(buffer.AsMemory(0, received.Count)).RootElement.GetProperty("type").GetString().Should().Be("pong");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task TheHub_WithoutTheKey_IsRefusedWith401_AndWithItConnects()
    {
        var url = new Uri(sample.BaseAddress, "hubs/ingestion");
        await using (var anonymous = new HubConnectionBuilder().WithUrl(url).Build())
        {
            var start = () => anonymous.StartAsync();
            (await start.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        await using var connection = new HubConnectionBuilder().WithUrl(url, o => o.Headers["X-Api-Key"] = WebSampleProcess.ApiKey).Build();
        await connection.StartAsync().OrTimeout();
        connection.State.Should().Be(HubConnectionState.Connected);
    }

    [Fact]
    public async Task ASessionLogin_WithTheKey_SetsACookieThatOpensTheEndpoints()
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = sample.BaseAddress };

        using (var wrong = await browser.PostAsJsonAsync("api/session", new { apiKey = "not-the-key" }))
        {
            wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using (var login = await browser.PostAsJsonAsync("api/session", new { apiKey = WebSampleProcess.ApiKey }))
        {
            login.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        using (var jobs = await browser.GetAsync(new Uri("api/admin/ingestion-jobs", UriKind.Relative)))
        {
            jobs.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using (var logout = await browser.DeleteAsync(new Uri("api/session", UriKind.Relative)))
        {
            logout.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        using var after = await browser.GetAsync(new Uri("api/admin/ingestion-jobs", UriKind.Relative));
        after.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TheHomePage_IsServedWithoutTheKey()
    {
        using var client = sample.CreateClient(withKey: false);

        var page = await client.GetStringAsync(new Uri("/", UriKind.Relative));

        page.Should().Contain("<title>Ingestion dashboard</title>").And.Contain("<div id=\"root\">");
    }

    [Fact]
    public async Task ValidateAndStart_OnTheEmbeddedDataset_CompleteWithTheGeneratedCounts_AndTheHistoryShowsTheRun()
    {
        var expected = await GeneratedExpectations.ForAsync(Model);
        using var client = sample.CreateClient();

        using var validation = await client.PostAsJsonAsync("api/admin/validate-ingestion", Parameters);
        validation.StatusCode.Should().Be(HttpStatusCode.OK);
        var preflight = await validation.Content.ReadFromJsonAsync<JsonElement>();
        preflight.GetProperty("isValid").GetBoolean().Should().BeTrue(preflight.ToString());
        preflight.GetProperty("puzzleCount").GetInt32().Should().Be(WebSampleProcess.Puzzles);

        using var started = await client.PostAsJsonAsync("api/admin/start-ingestion?kind=huggingface&name=" + Model, Parameters);
        started.StatusCode.Should().Be(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString();

        JsonElement job = default;
        await Wait.UntilAsync(
            async () =>
            {
                job = await client.GetFromJsonAsync<JsonElement>(new Uri("api/admin/ingestion-jobs/" + jobId, UriKind.Relative));
                return job.GetProperty("state").GetString() is "completed" or "failed" or "cancelled";
            },
            "the job finished",
            TimeSpan.FromSeconds(60));

        job.GetProperty("state").GetString().Should().Be("completed", job.ToString());
        var progress = job.GetProperty("progress");
        progress.GetProperty("processed").GetInt32().Should().Be(expected.Puzzles);
        progress.GetProperty("succeeded").GetInt32().Should().Be(expected.Succeeded);
        progress.GetProperty("failed").GetInt32().Should().Be(expected.Failed);
        progress.GetProperty("skipped").GetInt32().Should().Be(0);
        Counter(progress, "AttemptsSaved").Should().Be(expected.AttemptsSaved);
        Counter(progress, "Predictions").Should().Be(expected.Predictions);
        Counter(progress, "PredictionsCorrect").Should().Be(expected.CorrectPredictions);

        var run = await client.WaitForHistoryAsync(jobId!);
        run.GetProperty("state").GetString().Should().Be("completed");
        run.GetProperty("name").GetString().Should().Be(Model);
        run.GetProperty("progress").GetProperty("succeeded").GetInt32().Should().Be(expected.Succeeded);
    }

    private static long Counter(JsonElement progress, string name) =>
        progress.GetProperty("counters").EnumerateObject().Single(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).Value.GetInt64();
}
