using System.Net.Http.Json;
using System.Text.Json;

namespace Ingestion.TestUtilities;

/// <summary>Reading a finished run from the HTTP history.</summary>
public static class HistoryPolling
{
    /// <summary>
    /// Waits until <c>GET {prefix}/ingestion-history</c> lists <paramref name="jobId"/> and returns its entry. A job's
    /// own endpoint shows its final state as soon as the state changes; its final record reaches the store (which the
    /// history reads) just before its completion event, a moment later (docs/protocol.md). A test that polled the job's
    /// endpoint waits here before it reads the history.
    /// </summary>
    public static async Task<JsonElement> WaitForHistoryAsync(this HttpClient client, string jobId, string prefix = "api/admin", TimeSpan? timeout = null)
    {
        JsonElement run = default;
        await Wait.UntilAsync(
            async () =>
            {
                var page = await client.GetFromJsonAsync<JsonElement>(new Uri($"{prefix}/ingestion-history?limit=1000", UriKind.Relative));
                run = page.GetProperty("items").EnumerateArray().SingleOrDefault(r => r.GetProperty("id").GetString() == jobId);
                return run.ValueKind == JsonValueKind.Object;
            },
            $"the history lists job {jobId}",
            timeout);
        return run;
    }
}
