using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Sinks.WebSockets.Tests;

/// <summary>Bad input and broken connections: an error message or a documented close code, never a crash, and the job is unaffected.</summary>
public class ProgressWebSocketErrorTests
{
    [Fact]
    public async Task AnUnknownJob_GetsAnErrorMessage_AndClose4404()
    {
        await using var host = await WebSocketHost.StartAsync();

        await using var socket = await ProgressSocket.ConnectAsync(host, "?jobId=0123456789abcdef0123456789abcdef");

        var error = (await socket.ReceiveAsync())!.Value;
        error.Type().Should().Be("error");
        error.GetProperty("code").GetString().Should().Be("job-not-found");
        error.GetProperty("jobId").GetString().Should().Be("0123456789abcdef0123456789abcdef");
        (await socket.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.JobNotFound);
    }

    [Theory]
    [InlineData("?jobId=abc&since=-1")]
    [InlineData("?jobId=abc&since=x")]
    [InlineData("?since=3")]
    [InlineData("?jobId=")]
    public async Task AnInvalidRequest_GetsAnErrorMessage_AndClose4400(string query)
    {
        await using var host = await WebSocketHost.StartAsync();

        await using var socket = await ProgressSocket.ConnectAsync(host, query);

        (await socket.ReceiveAsync())!.Value.GetProperty("code").GetString().Should().Be("invalid-request");
        (await socket.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.InvalidRequest);
    }

    [Fact]
    public async Task MalformedJson_UnknownTypes_AndBadCommands_GetErrorMessages_AndTheConnectionAndTheJobGoOn()
    {
        await using var host = await WebSocketHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 200, delayMs = 5 });
        await using var socket = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");

        foreach (var (text, code) in new[]
        {
            ("{not json", "invalid-json"),
            ("\"a string\"", "invalid-command"),
            ("{\"jobId\":\"x\"}", "invalid-command"),
            ("{\"type\":42}", "invalid-command"),
            ("{\"type\":\"dance\"}", "unknown-type"),
        })
        {
            await socket.SendAsync(text);
            var error = await socket.ReceiveUntilAsync(m => m.Is("error"), $"'{text}' is refused");
            error.GetProperty("code").GetString().Should().Be(code, $"'{text}' is {code}");
        }

        var completed = await socket.ReceiveUntilAsync(m => m.Is("completed"), "the job ends");
        completed.GetProperty("summary").GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(200);
        (await socket.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.Normal);
    }

    [Fact]
    public async Task ATextFrameThatIsNotUtf8_FailsThatConnection_AsRfc6455Says_AndNothingElse()
    {
        await using var host = await WebSocketHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 100, delayMs = 5 });
        await using var other = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");
        await using var socket = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");

        await socket.Socket.SendAsync(new byte[] { 0x7b, 0xff, 0xfe, 0x7d }, WebSocketMessageType.Text, true, CancellationToken.None);

        var ended = async () =>
        {
            while (await socket.ReceiveAsync() is not null)
            {
            }
        };
        try
        {
            await ended().OrTimeout();
            socket.Socket.CloseStatus.Should().Be(WebSocketCloseStatus.InvalidPayloadData);
        }
        catch (WebSocketException)
        {
            // The server's WebSocket layer failed the connection; the reset can overtake its close frame.
        }

        (await other.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.Normal);
        other.Received[^1].GetProperty("summary").GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(100);
    }

    [Fact]
    public async Task AnOversizedMessage_GetsAnError_AndClose1009_AndTheJobGoesOn()
    {
        await using var host = await WebSocketHost.StartAsync(o => o.MaxMessageSize = 256);
        var jobId = await host.StartJobAsync(new { items = 100, delayMs = 5 });
        await using var socket = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");

        await socket.SendAsync(new { type = "ping", requestId = new string('x', 300) });

        (await socket.ReceiveUntilAsync(m => m.Is("error"), "the message is refused")).GetProperty("code").GetString().Should().Be("message-too-big");
        (await socket.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.MessageTooBig);
        await host.WaitForStateAsync(jobId, "completed");
    }

    [Fact]
    public async Task AMessageOfExactlyTheLimit_IsAccepted()
    {
        await using var host = await WebSocketHost.StartAsync(o => o.MaxMessageSize = 256);
        await using var socket = await ProgressSocket.ConnectAsync(host);
        var prefix = "{\"type\":\"ping\",\"requestId\":\"";
        var text = prefix + new string('x', 256 - prefix.Length - 2) + "\"}";
        Encoding.UTF8.GetByteCount(text).Should().Be(256);

        await socket.SendAsync(text);

        (await socket.ReceiveAsync())!.Value.Type().Should().Be("pong");
    }

    [Fact]
    public async Task ABinaryFrame_GetsAnError_AndClose1003()
    {
        await using var host = await WebSocketHost.StartAsync();
        await using var socket = await ProgressSocket.ConnectAsync(host);

        await socket.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);

        (await socket.ReceiveAsync())!.Value.GetProperty("code").GetString().Should().Be("binary-not-supported");
        (await socket.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.UnsupportedData);
    }

    [Fact]
    public async Task AClientThatSendsManyCommandsBeforeReading_GetsEveryAnswer_InOrder()
    {
        await using var host = await WebSocketHost.StartAsync();
        await using var socket = await ProgressSocket.ConnectAsync(host);

        // Far more than the answers that may wait (64): the server slows down reading them instead of failing.
        const int count = 2_000;
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await socket.SendAsync($"{{\"type\":\"ping\",\"requestId\":\"{i}\"}}");
            }
        });
        await Task.Delay(200);

        for (var i = 0; i < count; i++)
        {
            var pong = (await socket.ReceiveAsync())!.Value;
            pong.Type().Should().Be("pong");
            pong.GetProperty("requestId").GetString().Should().Be(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await sending.OrTimeout();
    }

    [Fact]
    public async Task APlainHttpRequest_Answers400_WithTheWebSocketRequiredType()
    {
        await using var host = await WebSocketHost.StartAsync();

        var response = await host.Client.GetAsync("api/admin/ingestion-progress");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString().Should().Be(IngestionProblemTypes.WebSocketRequired);
    }

    [Fact]
    public async Task APageFromAnotherOrigin_IsRefused403_ButTheServersOwnAnAllowedOneAndNonBrowsersConnect()
    {
        await using var host = await WebSocketHost.StartAsync(o => o.AllowedOrigins.Add("https://dashboard.example"));
        var own = host.BaseAddress.GetLeftPart(UriPartial.Authority);

        (await ProgressSocket.RefusedAsync(host, configure: o => o.SetRequestHeader("Origin", "https://evil.example"))).Should().Be(HttpStatusCode.Forbidden);
        (await ProgressSocket.RefusedAsync(host, configure: o => o.SetRequestHeader("Origin", "http://127.0.0.1:1"))).Should().Be(HttpStatusCode.Forbidden, "another port is another origin");

        foreach (var origin in new[] { own, "https://dashboard.example", null })
        {
            await using var socket = await ProgressSocket.ConnectAsync(host, configure: o =>
            {
                if (origin is not null)
                {
                    o.SetRequestHeader("Origin", origin);
                }
            });
            await socket.SendAsync(new { type = "ping" });
            (await socket.ReceiveAsync())!.Value.Type().Should().Be("pong", $"origin {origin ?? "(none)"} may connect");
        }
    }

    [Fact]
    public async Task TheSocket_RequiresTheSamePolicyAsTheEndpoints()
    {
        await using var host = await WebSocketHost.StartAsync(
            ingestion: i =>
            {
                i.ConfigureEndpoints(o => o.AuthorizationPolicy = ApiKeyAuthentication.Policy);
                i.Services.AddApiKeyAdminPolicy();
            });

        (await ProgressSocket.RefusedAsync(host)).Should().Be(HttpStatusCode.Unauthorized);
        (await ProgressSocket.RefusedAsync(host, configure: o => o.SetRequestHeader("X-Api-Key", ApiKeyAuthentication.ViewerKey))).Should().Be(HttpStatusCode.Forbidden);

        await using var socket = await ProgressSocket.ConnectAsync(host, configure: o => o.SetRequestHeader("X-Api-Key", ApiKeyAuthentication.AdminKey));
        await socket.SendAsync(new { type = "ping" });
        (await socket.ReceiveAsync())!.Value.Type().Should().Be("pong");
    }

    [Fact]
    public async Task ADeadConnection_IsNoticedByTheKeepAlive_AndCleanedUp()
    {
        await using var host = await WebSocketHost.StartAsync(o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(500);
        });
        var hub = host.Services.GetRequiredService<WebSocketHub>();

        // A client that never reads never answers a ping: to the server it is dead.
        await using var silent = await ProgressSocket.ConnectAsync(host);
        await Wait.UntilAsync(() => hub.ConnectionCount == 1, "the connection is registered");

        await Wait.UntilAsync(() => hub.ConnectionCount == 0, "the dead connection is dropped");
    }

    [Fact]
    public async Task AnIdleConnectionThatReads_AnswersThePings_AndStays()
    {
        await using var host = await WebSocketHost.StartAsync(o =>
        {
            // A timeout a thread-pool stall on a loaded machine cannot reach, and many pings inside the wait below.
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(1500);
        });
        var hub = host.Services.GetRequiredService<WebSocketHub>();
        await using var socket = await ProgressSocket.ConnectAsync(host);

        // A pending read answers the server's pings. Twenty of them, over more than two timeouts, must not drop it.
        var pending = socket.ReceiveAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));

        hub.ConnectionCount.Should().Be(1);
        socket.Socket.State.Should().Be(WebSocketState.Open);
        await socket.SendAsync(new { type = "ping", requestId = "alive" });
        (await pending)!.Value.GetProperty("requestId").GetString().Should().Be("alive");
    }

    [Fact]
    public async Task WhenTheHostStops_OpenConnectionsAreClosedWith1001()
    {
        var host = await WebSocketHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 1_000_000, delayMs = 5 });
        await using var socket = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");
        await socket.ReceiveUntilAsync(m => m.Is("snapshot"), "the snapshot");

        var stopping = host.DisposeAsync().AsTask();

        (await socket.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.GoingAway);
        await stopping.OrTimeout();
    }
}
