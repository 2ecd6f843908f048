using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Ingestion.Sinks.WebSockets.Tests;

/// <summary>A real <see cref="ClientWebSocket"/> on the progress endpoint, reading messages as JSON.</summary>
internal sealed class ProgressSocket : IAsyncDisposable
{
    private readonly byte[] _buffer = new byte[1 << 20];

    private ProgressSocket(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    /// <summary>Every message read so far.</summary>
    public List<JsonElement> Received { get; } = [];

    public static async Task<ProgressSocket> ConnectAsync(LoopbackHost host, string query = "", Action<ClientWebSocketOptions>? configure = null, string path = "api/admin/ingestion-progress")
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        await socket.ConnectAsync(host.WebSocketUri(path + query), CancellationToken.None).OrTimeout();
        return new ProgressSocket(socket);
    }

    /// <summary>Tries to connect and returns the HTTP status of the refused handshake.</summary>
    public static async Task<HttpStatusCode> RefusedAsync(LoopbackHost host, string query = "", Action<ClientWebSocketOptions>? configure = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        var connect = () => socket.ConnectAsync(host.WebSocketUri("api/admin/ingestion-progress" + query), CancellationToken.None);
        await connect.Should().ThrowAsync<WebSocketException>();
        return socket.HttpStatusCode;
    }

    /// <summary>The next message; null when the server closed the connection.</summary>
    public async Task<JsonElement?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Wait.Timeout);
        var count = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await Socket.ReceiveAsync(new ArraySegment<byte>(_buffer, count, _buffer.Length - count), cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            count += result.Count;
        }
        while (!result.EndOfMessage);

        result.MessageType.Should().Be(WebSocketMessageType.Text);
        var message = JsonDocument.Parse(_buffer.AsMemory(0, count)).RootElement.Clone();
        Received.Add(message);
        return message;
    }

    /// <summary>Reads until a message matches; fails if the connection closes first, or after <see cref="Wait.Timeout"/> in all.</summary>
    public async Task<JsonElement> ReceiveUntilAsync(Func<JsonElement, bool> match, string because)
    {
        var deadline = DateTime.UtcNow + Wait.Timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Timed out reading until {because}.");
            }

            var message = await ReceiveAsync(left) ?? throw new InvalidOperationException($"The connection closed ({Socket.CloseStatus} {Socket.CloseStatusDescription}) before {because}.");
            if (match(message))
            {
                return message;
            }
        }
    }

    /// <summary>
    /// Reads until every one of <paramref name="matches"/> has matched a message, in whatever order they come (a
    /// command's answer and the state event it causes race each other); returns the first match of each.
    /// </summary>
    public async Task<JsonElement[]> ReceiveEachAsync(string because, params Func<JsonElement, bool>[] matches)
    {
        var found = new JsonElement?[matches.Length];
        while (found.Any(f => f is null))
        {
            var message = await ReceiveUntilAsync(m => matches.Where((_, i) => found[i] is null).Any(match => match(m)), because);
            for (var i = 0; i < matches.Length; i++)
            {
                if (found[i] is null && matches[i](message))
                {
                    found[i] = message;
                }
            }
        }

        return found.Select(f => f!.Value).ToArray();
    }

    /// <summary>Reads everything until the server closes; returns the close status. Fails after a minute in all.</summary>
    public async Task<int?> ReadToCloseAsync()
    {
        var deadline = DateTime.UtcNow + (3 * Wait.Timeout);
        while (await ReceiveAsync(deadline - DateTime.UtcNow) is not null)
        {
        }

        return (int?)Socket.CloseStatus;
    }

    public Task SendAsync(string text) => Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendAsync(object command) => SendAsync(JsonSerializer.Serialize(command, JsonSerializerOptions.Web));

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        Socket.Dispose();
    }
}

internal static class Messages
{
    public static string Type(this JsonElement message) => message.GetProperty("type").GetString()!;

    public static long Seq(this JsonElement message) => message.GetProperty("seq").GetInt64();

    public static bool Is(this JsonElement message, string type) => message.Type() == type;

    public static bool IsState(this JsonElement message, string state) => message.Is("state") && message.GetProperty("state").GetString() == state;
}
