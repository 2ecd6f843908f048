using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;

namespace Ingestion.TestUtilities;

/// <summary>
/// One silo of a test or benchmark cluster: tests/Ingestion.Orleans.TestHost as a process (<c>dotnet &lt;dll&gt;</c>, so that the
/// process a test kills is the app's own), with its control endpoints, WebSocket and hub on a free loopback port.
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public HttpClient Client { get; private set; } = null!;

    public Uri BaseAddress => Client.BaseAddress!;

    public bool HasExited => _process.HasExited;

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

    public static async Task<SiloProcess> StartAsync(string name, string cluster, string redis, string database, string dataRoot, string tasks)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(Repository.Root, "tests", "Ingestion.Orleans.TestHost", "bin", configuration, "net10.0", "Ingestion.Orleans.TestHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var ports = (Silo: FreePort.OnLoopback(), Gateway: FreePort.OnLoopback());
        foreach (var argument in (string[])[dll, "--cluster", cluster, "--redis", redis, "--database", database, "--data", dataRoot, "--tasks", tasks,
                     "--silo-port", ports.Silo.ToString(System.Globalization.CultureInfo.InvariantCulture), "--gateway-port", ports.Gateway.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        var silo = new SiloProcess(name, Process.Start(start)!);
        var ready = await Task.WhenAny(silo._ready.Task, silo._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
        if (ready != silo._ready.Task)
        {
            var output = silo.Output;
            await silo.DisposeAsync();
            throw new InvalidOperationException($"Silo {name} did not get ready:\n{output}");
        }

        silo.Client = new HttpClient { BaseAddress = await silo._ready.Task, Timeout = TimeSpan.FromSeconds(30) };
        return silo;
    }

    /// <summary>Whether this silo said it runs the job (it does so each time it starts or resumes it).</summary>
    public int RunCountOf(string jobId) => Regex.Count(Output, $"Job {jobId} \\([a-z]+\\) runs on silo");

    public async Task<string> StartJobAsync(object parameters, string name)
    {
        using var response = await Client.PostAsJsonAsync("api/admin/start-ingestion?kind=huggingface&name=" + name, parameters);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("jobId").GetString()!;
    }

    public async Task<JsonElement> CommandAsync(string command, string jobId)
    {
        using var response = await Client.PostAsync(new Uri($"api/admin/{command}-ingestion/{jobId}", UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue("{0} through silo {1} answered {2}: {3}", command, Name, response.StatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> GetJobAsync(string jobId) =>
        await Client.GetFromJsonAsync<JsonElement>(new Uri("api/admin/ingestion-jobs/" + jobId, UriKind.Relative));

    public async Task<JsonElement> WaitForJobAsync(string jobId, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null)
    {
        JsonElement job = default;
        await Wait.UntilAsync(
            async () =>
            {
                try
                {
                    job = await GetJobAsync(jobId);
                    return condition(job);
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            what,
            timeout ?? TimeSpan.FromSeconds(90));
        return job;
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Client?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.StartsWith("ready ", StringComparison.Ordinal))
        {
            _ready.TrySetResult(new Uri(line["ready ".Length..].Trim() + "/"));
        }
    }
}
