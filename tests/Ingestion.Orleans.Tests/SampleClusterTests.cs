using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace Ingestion.Orleans.Tests;

/// <summary>
/// The samples as a cluster, the way docs/operations.md starts them: the worker silo and the web sample (a front end
/// that is a silo too), on the tests' Redis and a PostgreSQL database, sharing one data folder.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SampleClusterTests(ClusterFixture fixture)
{
    private const string ApiKey = "cluster-test-key";

    [Fact]
    public async Task TheWorkerSiloAndTheWebSample_FormOneCluster_AndJobsStartedThroughTheWebSample_Complete()
    {
        var data = Directory.CreateTempSubdirectory("ingestion-sample-cluster-");
        var database = await fixture.CreateDatabaseAsync();
        var cluster = "s" + Guid.NewGuid().ToString("N")[..10];
        string[] common = ["--Orleans:Redis", fixture.Redis.Endpoint, "--Orleans:ClusterId", cluster, "--ConnectionStrings:Ingestion", database,
            "--Sample:DataDirectory", data.FullName, "--Sample:GeneratedPuzzles", "40", "--Orleans:ProbeTimeout", "00:00:01",
            "--Orleans:NumMissedProbesLimit", "2", "--Orleans:SupervisorInterval", "00:00:01"];
        await using var worker = Start("Ingestion.Samples.Silo", [.. common, .. Ports()]);
        await worker.WaitForAsync("Silo of cluster");
        await using var web = Start("Ingestion.Samples.Web", [.. common, .. Ports(), "--urls", $"http://127.0.0.1:{FreePort.OnLoopback()}", "--Sample:ApiKey", ApiKey]);
        var url = (await web.WaitForAsync("Listening on ")).Split(' ').Last();
        using var client = new HttpClient { BaseAddress = new Uri(url + "/") };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);

        // Both are members: Orleans' membership table in Redis lists two active silos of this cluster.
        // Both are members: Orleans' membership table in Redis has both samples as active silos (status 3) of this cluster.
        using (var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.Endpoint))
        {
            string[] roles = [];
            await Wait.UntilAsync(
                async () =>
                {
                    roles = (await redis.GetDatabase().HashGetAllAsync($"ingestion/members/{cluster}"))
                        .Where(e => e.Name != "Version")
                        .Select(e => JsonDocument.Parse(e.Value.ToString()).RootElement)
                        .Where(m => m.GetProperty("Status").GetInt32() == 3)
                        .Select(m => m.GetProperty("RoleName").GetString()!)
                        .Order(StringComparer.Ordinal)
                        .ToArray();
                    return roles.Length == 2;
                },
                "two active silos in the membership table");
            roles.Should().Equal("Ingestion.Samples.Silo", "Ingestion.Samples.Web");
        }

        var ids = new List<string>();
        foreach (var folder in (string[])["synthetic-small-baseline", "synthetic-medium", "synthetic-large-thinking-high"])
        {
            using var started = await client.PostAsJsonAsync("api/admin/start-ingestion?kind=huggingface&name=" + folder, new
            {
                dataset = "generated/arc-synthetic",
                localPath = Path.Combine(data.FullName, "dataset"),
                modelFolder = folder,
                source = "Generated",
                delayMs = 20,
            });
            started.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync() + web.Output + worker.Output);
            ids.Add((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!);
        }

        foreach (var id in ids)
        {
            await Wait.UntilAsync(
                async () => (await client.GetFromJsonAsync<JsonElement>(new Uri("api/admin/ingestion-jobs/" + id, UriKind.Relative))).GetProperty("state").GetString() == "completed",
                $"job {id} completes\n{web.Output}\n{worker.Output}",
                TimeSpan.FromSeconds(90));
            (web.Output + worker.Output).Should().Contain($"Job {id} (huggingface) runs on silo");
            await client.WaitForHistoryAsync(id);
        }

        var history = await client.GetFromJsonAsync<JsonElement>(new Uri("api/admin/ingestion-history?limit=10", UriKind.Relative));
        history.GetProperty("totalCount").GetInt32().Should().Be(3);
        data.Delete(recursive: true);
    }

    private static string[] Ports() => ["--Orleans:SiloPort", FreePort.OnLoopback().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--Orleans:GatewayPort", FreePort.OnLoopback().ToString(System.Globalization.CultureInfo.InvariantCulture)];

    private static SampleProcess Start(string sample, string[] arguments)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "samples", sample, "bin", configuration, "net10.0", sample + ".dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new SampleProcess(Process.Start(start)!);
    }

    private sealed class SampleProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        public SampleProcess(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        /// <summary>Waits for a line that starts with <paramref name="prefix"/> and answers it.</summary>
        public async Task<string> WaitForAsync(string prefix)
        {
            string? line = null;
            await Wait.UntilAsync(
                () =>
                {
                    line = Output.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
                    return line is not null || _process.HasExited;
                },
                $"a line '{prefix}…'",
                TimeSpan.FromSeconds(90));
            line.Should().NotBeNull("the sample printed it before it exited:\n{0}", Output);
            return line!;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
