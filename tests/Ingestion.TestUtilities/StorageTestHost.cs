using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ingestion.TestUtilities;

/// <summary>
/// tests/Ingestion.Storage.TestHost as a real child process (<c>dotnet Ingestion.Storage.TestHost.dll</c>, so the
/// process killed is the app's own): the HuggingFace job on a durable store behind the control endpoints on a free
/// loopback port. A test project that uses it references the host's project with <c>ReferenceOutputAssembly="false"</c>
/// so that it is built first.
/// </summary>
public sealed class StorageTestHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private StorageTestHost(Process process, Uri address)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A client whose base address is the host's.</summary>
    public HttpClient Client { get; }

    /// <summary>Everything the host wrote to stdout and stderr so far, for failure messages.</summary>
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

    /// <summary>Starts the host and waits until it listens.</summary>
    /// <param name="store"><c>sqlite</c> or <c>postgresql</c>.</param>
    /// <param name="database">The SQLite file or the PostgreSQL connection string.</param>
    /// <param name="dataRoot">The folder the host may read datasets from.</param>
    /// <param name="tasks">The folder of the <c>Generated</c> puzzle set.</param>
    public static async Task<StorageTestHost> StartAsync(string store, string database, string dataRoot, string tasks)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(Repository.Root, "tests", "Ingestion.Storage.TestHost", "bin", configuration, "net10.0", "Ingestion.Storage.TestHost.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is not built; reference tests/Ingestion.Storage.TestHost from the test project.");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[dll, "--store", store, "--database", database, "--data", dataRoot, "--tasks", tasks])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        StorageTestHost? host = null;
        var early = new StringBuilder();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            var target = host?._output ?? early;
            lock (target)
            {
                target.AppendLine(line);
            }

            if (line.StartsWith("ready ", StringComparison.Ordinal))
            {
                ready.TrySetResult(new Uri(line["ready ".Length..].Trim() + "/"));
            }
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"The host exited ({process.ExitCode}) before it listened:\n{early}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await ready.Task.WaitAsync(StartTimeout);
            host = new StorageTestHost(process, address);
            lock (early)
            {
                host._output.Append(early);
            }

            return host;
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Starts a HuggingFace ingestion through <c>POST api/admin/start-ingestion</c>.</summary>
    /// <param name="parameters">The job's parameters, serialized as they are.</param>
    /// <returns>The new job's id.</returns>
    public async Task<string> StartIngestionAsync(object parameters)
    {
        using var response = await Client.PostAsJsonAsync("api/admin/start-ingestion", parameters);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"start-ingestion answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.GetProperty("jobId").GetString()!;
    }

    /// <summary>Reads a job through <c>GET api/admin/ingestion-jobs/{jobId}</c>.</summary>
    public async Task<JsonElement> GetJobAsync(string jobId)
    {
        using var response = await Client.GetAsync($"api/admin/ingestion-jobs/{jobId}");
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"ingestion-jobs/{jobId} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sends a command (<c>pause</c>, <c>resume</c>, <c>cancel</c>) and answers its JSON.</summary>
    public async Task<(int Status, JsonElement Body)> CommandAsync(string command, string jobId)
    {
        using var response = await Client.PostAsync($"api/admin/{command}-ingestion/{jobId}", content: null);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Polls the job until it matches, and answers it.</summary>
    public async Task<JsonElement> WaitForJobAsync(string jobId, Func<JsonElement, bool> matches, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        JsonElement job = default;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host exited ({_process.ExitCode}) while waiting until {because}:\n{Output}");
            }

            job = await GetJobAsync(jobId);
            if (matches(job))
            {
                return job;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"Timed out waiting until {because}; the job is {job}.\nHost output:\n{Output}");
    }

    /// <summary>Kills the host with SIGKILL (no shutdown, no last write) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
