using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ingestion.Sinks.WebSockets.Tests;

/// <summary>
/// Keeps docs/protocol.md true: every example marked <c>&lt;!-- example: name --&gt;</c> must have exactly the shape (the
/// property names, recursively) of the real message of that name, captured here from a live host.
/// </summary>
public partial class ProtocolDocTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public async Task EveryExampleInTheProtocolDoc_HasTheShapeOfTheRealMessage()
    {
        var real = await CaptureAsync();
        var examples = Examples();

        examples.Keys.Should().BeEquivalentTo(real.Keys, "the doc shows an example of every message, and only real ones");
        foreach (var (name, example) in examples)
        {
            Shape(example).Should().BeEquivalentTo(Shape(real[name]), $"the '{name}' example in docs/protocol.md has the real message's properties");
        }
    }

    private static Dictionary<string, JsonElement> Examples()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "docs", "protocol.md"));
        var examples = new Dictionary<string, JsonElement>();
        foreach (Match match in Example().Matches(text))
        {
            examples.Add(match.Groups["name"].Value, JsonDocument.Parse(match.Groups["json"].Value).RootElement.Clone());
        }

        return examples;
    }

    /// <summary>Every message of the protocol, from a real host: REST answers, socket messages, problems.</summary>
    private static async Task<Dictionary<string, JsonElement>> CaptureAsync()
    {
        var captured = new Dictionary<string, JsonElement>();
        await using var host = await WebSocketHost.StartAsync(o => o.SendQueueCapacity = 4);
        async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

        var start = await host.Client.PostAsJsonAsync("api/admin/start-ingestion?name=ARC1", new { items = 1_000_000, delayMs = 5, logEvery = 50, dataset = "arc-agi-1" });
        captured["start-ingestion"] = await Json(start);
        var jobId = captured["start-ingestion"].GetProperty("jobId").GetString()!;
        await host.WaitForStateAsync(jobId, "running");

        await using var socket = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");
        captured["snapshot"] = (await socket.ReceiveAsync())!.Value;
        captured["progress"] = await socket.ReceiveUntilAsync(m => m.Is("progress"), "progress");
        captured["log"] = await socket.ReceiveUntilAsync(m => m.Is("log"), "a log line");

        captured["pause-ingestion"] = await Json(await host.Client.PostAsync($"api/admin/pause-ingestion/{jobId}", null));
        captured["state"] = await socket.ReceiveUntilAsync(m => m.IsState("paused"), "paused");
        await socket.SendAsync(new { type = "resume", requestId = "42" });
        captured["result"] = await socket.ReceiveUntilAsync(m => m.Is("result"), "the result");
        await socket.SendAsync(new { type = "ping", requestId = "1" });
        captured["pong"] = await socket.ReceiveUntilAsync(m => m.Is("pong"), "the pong");
        await socket.SendAsync(new { type = "resume", requestId = "43" });
        await socket.SendAsync("{nope");
        captured["error"] = await socket.ReceiveUntilAsync(m => m.Is("error") && m.GetProperty("code").GetString() == "invalid-json", "the error");

        captured["ingestion-jobs"] = await Json(await host.Client.GetAsync("api/admin/ingestion-jobs"));
        captured["ingestion-jobs-id"] = await Json(await host.Client.GetAsync($"api/admin/ingestion-jobs/{jobId}"));
        captured["problem-job-not-found"] = await Json(await host.Client.PostAsync("api/admin/pause-ingestion/0123456789abcdef0123456789abcdef", null));
        captured["problem-invalid-parameters"] = await Json(await host.Client.PostAsJsonAsync("api/admin/start-ingestion", new { items = 0 }));

        (await host.Client.PostAsync($"api/admin/cancel-ingestion/{jobId}", null)).EnsureSuccessStatusCode();
        captured["completed"] = await socket.ReceiveUntilAsync(m => m.Is("completed"), "completed");
        captured["problem-invalid-transition"] = await Json(await host.Client.PostAsync($"api/admin/resume-ingestion/{jobId}", null));
        captured["ingestion-history"] = await Json(await host.Client.GetAsync("api/admin/ingestion-history?limit=1"));

        // A gap: a client that does not read while a job writes more log lines than its queue holds.
        var manager = host.Services.GetRequiredService<IJobManager>();
        var go = new TaskCompletionSource();
        var noisy = await manager.StartAsync(async (context, ct) =>
        {
            await go.Task.WaitAsync(ct);
            for (var i = 0; i < 20_000; i++)
            {
                context.Logger.LogInformation("line {Line}", i);
            }
        });
        await using var slow = await ProgressSocket.ConnectAsync(host, $"?jobId={noisy.Id}");
        await Wait.UntilAsync(() => host.Services.GetRequiredService<WebSocketHub>().ConnectionCount == 1, "the slow client is connected");
        go.SetResult();
        await host.WaitForStateAsync(noisy.Id, "completed");
        captured["gap"] = await slow.ReceiveUntilAsync(m => m.Is("gap"), "a gap");

        if (Environment.GetEnvironmentVariable("INGESTION_PRINT_PROTOCOL") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, string.Join("\n\n", captured.Select(c => $"{c.Key}\n{JsonSerializer.Serialize(c.Value, Indented)}")));
        }

        return captured;
    }

    /// <summary>The property paths of a JSON value: objects by name, arrays by their first element.</summary>
    private static List<string> Shape(JsonElement element, string prefix = "")
    {
        var paths = new List<string>();
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    // Dictionaries of the caller's own names (counters, results, parameters, errors) are data, not shape.
                    var path = prefix + "." + property.Name;
                    paths.Add(path);
                    if (property.Name is not ("counters" or "results" or "parameters" or "errors"))
                    {
                        paths.AddRange(Shape(property.Value, path));
                    }
                }

                break;
            case JsonValueKind.Array when element.GetArrayLength() > 0:
                paths.AddRange(Shape(element[0], prefix + "[]"));
                break;
        }

        return paths;
    }

    [GeneratedRegex(@"<!-- example: (?<name>[a-z-]+) -->\s*```json\s*(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Example();
}
