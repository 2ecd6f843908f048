using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Ingestion.Samples.Web.Tests;

/// <summary>
/// The web sample run as a process, the way a user runs it (<c>dotnet Ingestion.Samples.Web.dll</c>), on a free loopback
/// port (checked against the URL it prints), with its data and SQLite store in a temporary folder. It can be stopped
/// (SIGTERM, as a service manager does, or SIGKILL) and started again on the same port and data.
/// </summary>
public sealed partial class WebSampleProcess : IAsyncLifetime
{
    public const string ApiKey = "test-admin-key";
    public const int Puzzles = 40;

    private readonly StringBuilder _output = new();
    private readonly int _port = FreePort.OnLoopback();
    private Process? _process;
    private Task? _reading;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "ingestion-web-" + Guid.NewGuid().ToString("N")[..12]);

    public Uri BaseAddress { get; private set; } = null!;

    public string LocalDataset => Path.Combine(DataDirectory, "dataset");

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

    /// <summary>Gets the sample's DLL: built with the tests (a project reference), in the same configuration.</summary>
    private static string Dll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            return Path.Combine(Repository.Root, "samples", "Ingestion.Samples.Web", "bin", configuration, "net10.0", "Ingestion.Samples.Web.dll");
        }
    }

    public HttpClient CreateClient(bool withKey = true)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (withKey)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        }

        return client;
    }

    public Task InitializeAsync() => StartAsync();

    /// <summary>Starts the host (again, after <see cref="StopAsync"/>) and waits until it listens.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Started from elsewhere than its folder: the sample must find its wwwroot and appsettings by itself.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in (string[])[Dll, "--urls", $"http://127.0.0.1:{_port}", "--Sample:DataDirectory", DataDirectory,
                     "--Sample:ApiKey", ApiKey, "--Sample:GeneratedPuzzles", Puzzles.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        var before = Listening().Count(Output);
        _process = Process.Start(start)!;
        _reading = Task.WhenAll(CopyAsync(_process.StandardOutput), CopyAsync(_process.StandardError));
        var process = _process;
        await Wait.UntilAsync(() => Listening().Count(Output) > before || process.HasExited, "the sample printed the URL it listens on", TimeSpan.FromSeconds(60));
        var matches = Listening().Matches(Output);
        (matches.Count > before).Should().BeTrue("the sample printed its URL before it exited:\n{0}", Output);
        BaseAddress = new Uri(matches[^1].Groups[1].Value + "/");
        BaseAddress.Port.Should().Be(_port);
    }

    /// <summary>
    /// Stops the host: SIGTERM, so that ASP.NET Core shuts down gracefully (running jobs end Interrupted), or SIGKILL
    /// (<paramref name="kill"/>), so that it dies at once and its next start-up finds the jobs it ran.
    /// </summary>
    public async Task StopAsync(bool kill = false)
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            if (kill)
            {
                _process.Kill(entireProcessTree: true);
            }
            else
            {
                using var sigterm = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await sigterm.WaitForExitAsync();
                sigterm.ExitCode.Should().Be(0);
            }
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await _process.WaitForExitAsync(timeout.Token);
        }

        await _reading!;
        _process.Dispose();
        _process = null;
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
        }

        await StopAsync();

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"^Listening on (http://127\.0\.0\.1:[0-9]+)", RegexOptions.Multiline)]
    private static partial Regex Listening();

    private async Task CopyAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
