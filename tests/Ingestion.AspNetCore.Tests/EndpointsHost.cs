using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.AspNetCore.Tests;

/// <summary>A loopback host with the counting job kind and the control endpoints mapped, anonymous unless told otherwise.</summary>
internal static class EndpointsHost
{
    public static Task<LoopbackHost> StartAsync(Action<IIngestionBuilder>? ingestion = null, Action<WebApplication>? pipeline = null)
        => IngestionTestHost.StartAsync(static i => i, static _ => { }, ingestion, pipeline);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> StartAsync(this HttpClient client, object parameters, string query = "")
        => client.PostAsJsonAsync($"api/admin/start-ingestion{query}", parameters);

    public static async Task<JsonElement> WaitForStateAsync(this HttpClient client, string jobId, string state)
    {
        JsonElement job = default;
        await Wait.UntilAsync(async () =>
        {
            job = await (await client.GetAsync($"api/admin/ingestion-jobs/{jobId}")).JsonAsync();
            return job.GetProperty("state").GetString() == state;
        }, $"job {jobId} is {state}");
        return job;
    }
}
