using System.Diagnostics;
using System.Text.Json;

namespace Ingestion.Sinks.SignalR.Tests;

/// <summary>
/// The hub from the official JavaScript client (<c>@microsoft/signalr</c> from npm, run with node), as a browser page
/// would use it: proves the wire format, not only the .NET client's view of it.
/// </summary>
public class JavaScriptClientTests
{
    private static readonly string ScriptFolder = Path.Combine(Repository.Root, "tests", "Ingestion.Sinks.SignalR.Tests", "js");

    [Fact]
    public async Task TheJavaScriptClient_SubscribesAndFollowsAJobToItsEnd_AndGetsHubErrors()
    {
        await EnsurePackagesAsync();
        await using var host = await HubHost.StartAsync();
        // Five seconds or more: node has to start, load the client and subscribe before the last line, which must come live.
        var jobId = await host.StartJobAsync(new { items = 500, delayMs = 10, logEvery = 100 });
        await host.WaitForStateAsync(jobId, "running");

        var (exitCode, output, errors) = await RunAsync("node", ["watch-job.mjs", new Uri(host.BaseAddress, "hubs/ingestion").ToString(), jobId], TimeSpan.FromSeconds(90));

        exitCode.Should().Be(0, $"the script ends after the completion (stderr: {errors})");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines[^1].Should().Be("done");
        var messages = lines[..^1].Select(l => JsonDocument.Parse(l).RootElement).ToList();
        messages[0].GetProperty("method").GetString().Should().Be("HubError");
        messages[0].GetProperty("message").GetString().Should().Contain("No job has the id");
        var snapshot = messages.Single(m => m.GetProperty("method").GetString() == "Snapshot");
        snapshot.GetProperty("job").GetProperty("id").GetString().Should().Be(jobId);
        snapshot.GetProperty("job").GetProperty("state").GetString().Should().BeOneOf("queued", "running", "completed");

        var events = messages.SkipWhile(m => m.GetProperty("method").GetString() != "Snapshot").Skip(1).ToList();
        events.Select(m => m.GetProperty("seq").GetInt64()).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        events.Where(m => m.GetProperty("type").GetString() == "log").Select(m => m.GetProperty("message").GetString())
            .Should().Equal("item 100 done", "item 200 done", "item 300 done", "item 400 done", "item 500 done");
        events.Where(m => m.GetProperty("method").GetString()!.StartsWith("On", StringComparison.Ordinal)).Should()
            .Contain(m => m.GetProperty("method").GetString() == "OnLog", "live events, not only the replay, reached the script")
            .And.OnlyContain(m => m.GetProperty("type").ValueKind == JsonValueKind.String, "live events carry their type, as on the WebSocket");
        snapshot.GetProperty("type").GetString().Should().Be("snapshot");
        var completed = events[^1];
        completed.GetProperty("type").GetString().Should().Be("completed");
        completed.GetProperty("summary").GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(500);
        completed.GetProperty("summary").GetProperty("progress").GetProperty("elapsed").ValueKind.Should().Be(JsonValueKind.Number);
    }

    /// <summary>npm ci when the packages are missing or older than the lock file; node and npm come from the machine.</summary>
    private static async Task EnsurePackagesAsync()
    {
        var installed = Path.Combine(ScriptFolder, "node_modules", ".package-lock.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(ScriptFolder, "package-lock.json")))
        {
            return;
        }

        var (exitCode, output, errors) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(3));
        exitCode.Should().Be(0, $"npm ci installs @microsoft/signalr ({output} {errors})");
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string program, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = ScriptFolder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{program}' is not installed; this test needs node and npm (Node 20 or newer) on the PATH.", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, await output, await errors);
        }
    }
}
