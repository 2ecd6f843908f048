using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Sinks.WebSockets.Tests;

/// <summary>A loopback host with the counting job, the control endpoints and the progress WebSocket, anonymous unless told otherwise.</summary>
internal static class WebSocketHost
{
    public static Task<LoopbackHost> StartAsync(Action<WebSocketSinkOptions>? websocket = null, Action<IIngestionBuilder>? ingestion = null, Action<WebApplication>? pipeline = null)
        => IngestionTestHost.StartAsync(i => i.AddWebSocketSink(websocket), app => app.MapIngestionWebSocket(), ingestion, pipeline);
}
