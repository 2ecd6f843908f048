using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Ingestion.Samples.Web.Tests;

/// <summary>
/// The web sample run as a process, the way a user runs it, on a free loopback port (<c>--urls http://127.0.0.1:0</c>,
/// the bound URL read from what it prints), with its data and SQLite store in a temporary folder.
/// </summary>
public sealed partial class WebSampleProcess : IAsyncLifetime
{
    public const string ApiKey = "test-admin-key";
    public const int Puzzles = 40;

    private readonly StringBuilder _output = new();
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

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Started from elsewhere than its folder: the sample must find its wwwroot and appsettings by itself.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in (string[])[Dll, "--urls", "http://127.0.0.1:0", "--Sample:DataDirectory", DataDirectory,
                     "--Sample:ApiKey", ApiKey, "--Sample:GeneratedPuzzles", Puzzles.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _reading = Task.WhenAll(CopyAsync(_process.StandardOutput), CopyAsync(_process.StandardError));
        await Wait.UntilAsync(() => Listening().IsMatch(Output) || _process.HasExited, "the sample printed the URL it listens on", TimeSpan.FromSeconds(60));
        var match = Listening().Match(Output);
        match.Success.Should().BeTrue("the sample printed its URL before it exited:\n{0}", Output);
        BaseAddress = new Uri(match.Groups[1].Value + "/");
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
            await _reading!;
            _process.Dispose();
        }

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
