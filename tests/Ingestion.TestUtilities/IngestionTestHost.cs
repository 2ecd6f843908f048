using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.TestUtilities;

/// <summary>
/// A loopback host with the counting job kind and the control endpoints, plus the transport a test project is about
/// (its sink and its endpoint); anonymous unless <c>ingestion</c> configures otherwise.
/// </summary>
public static class IngestionTestHost
{
    public static Task<LoopbackHost> StartAsync(
        Func<IIngestionBuilder, IIngestionBuilder> addTransport,
        Action<WebApplication> mapTransport,
        Action<IIngestionBuilder>? ingestion = null,
        Action<WebApplication>? pipeline = null)
        => LoopbackHost.StartAsync(
            builder =>
            {
                var ingestionBuilder = addTransport(builder.Services.AddIngestion().AddJob<CountingJob, CountingParameters>(CountingJob.Kind));
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
                mapTransport(app);
            });

    /// <summary>Starts a counting job over HTTP and returns its id.</summary>
    public static async Task<string> StartJobAsync(this LoopbackHost host, object parameters)
    {
        var response = await host.Client.PostAsJsonAsync("api/admin/start-ingestion", parameters);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetString()!;
    }

    /// <summary>The job's state, as the HTTP endpoint says it (<c>"running"</c>).</summary>
    public static async Task<string> StateAsync(this LoopbackHost host, string jobId)
        => JsonDocument.Parse(await host.Client.GetStringAsync($"api/admin/ingestion-jobs/{jobId}")).RootElement.GetProperty("state").GetString()!;

    public static Task WaitForStateAsync(this LoopbackHost host, string jobId, string state)
        => Wait.UntilAsync(async () => await host.StateAsync(jobId) == state, $"job {jobId} is {state}");
}
