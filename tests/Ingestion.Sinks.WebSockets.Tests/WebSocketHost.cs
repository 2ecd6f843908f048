using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Sinks.WebSockets.Tests;

/// <summary>A loopback host with the counting job, the control endpoints and the progress WebSocket, anonymous unless told otherwise.</summary>
internal static class WebSocketHost
{
    public static Task<LoopbackHost> StartAsync(Action<IngestionWebSocketOptions>? websocket = null, Action<IIngestionBuilder>? ingestion = null, Action<WebApplication>? pipeline = null)
        => LoopbackHost.StartAsync(
            builder =>
            {
                var ingestionBuilder = builder.Services.AddIngestion().AddJob<CountingJob, CountingParameters>(CountingJob.Kind).AddWebSocketSink(websocket);
                if (ingestion is null)
                {
                    ingestionBuilder.ConfigureEndpoints(o => o.AllowAnonymous = true);
                }
                else
                {
                    ingestion(ingestionBuilder);
                }
            },
            app =>
            {
                pipeline?.Invoke(app);
                app.MapIngestionEndpoints();
                app.MapIngestionWebSocket();
            });

    public static async Task<string> StartJobAsync(this LoopbackHost host, object parameters)
    {
        var response = await host.Client.PostAsync("api/admin/start-ingestion", System.Net.Http.Json.JsonContent.Create(parameters));
        response.EnsureSuccessStatusCode();
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetString()!;
    }

    public static async Task<string> StateAsync(this LoopbackHost host, string jobId)
        => System.Text.Json.JsonDocument.Parse(await host.Client.GetStringAsync($"api/admin/ingestion-jobs/{jobId}")).RootElement.GetProperty("state").GetString()!;

    public static Task WaitForStateAsync(this LoopbackHost host, string jobId, string state)
        => Wait.UntilAsync(async () => await host.StateAsync(jobId) == state, $"job {jobId} is {state}");
}
