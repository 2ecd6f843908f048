using System.Diagnostics;
using System.Text;

namespace Ingestion.HuggingFace.Tests.Samples;

/// <summary>The console sample run as a process, the way a user runs it, with its standard streams redirected.</summary>
internal sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly Task _reading;

    private SampleProcess(IEnumerable<string> arguments)
    {
        // Started through perl, which puts SIGINT back to its default and execs dotnet (same pid): a process started in
        // the background by a non-interactive shell (as CI may run the tests) inherits SIGINT ignored, and .NET keeps an
        // inherited ignore, so the sample would never see the Ctrl+C the tests send. (perl is essential on Debian.)
        var start = new ProcessStartInfo("perl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-e", "$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\";", "dotnet"])
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _reading = Task.WhenAll(CopyAsync(_process.StandardOutput, _output), CopyAsync(_process.StandardError, _error));
    }

    /// <summary>Gets the sample's DLL: built with the tests (a project reference), in the same configuration.</summary>
    public static string Dll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            return Path.Combine(Repository.Root, "samples", "Ingestion.Samples.Console", "bin", configuration, "net10.0", "Ingestion.Samples.Console.dll");
        }
    }

    public int Id => _process.Id;

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

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public static SampleProcess Start(params string[] arguments) => new(arguments);

    /// <summary>Runs the sample to its end with stdin closed.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        process._process.StandardInput.Close();
        var exitCode = await process.WaitForExitAsync();
        return (exitCode, process.Output, process.Error);
    }

    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async Task WaitForOutputAsync(string text)
    {
        await Wait.UntilAsync(() => Output.Contains(text, StringComparison.Ordinal) || _process.HasExited, $"the sample printed '{text}'");
        Output.Should().Contain(text, "the sample printed it before it exited (stderr: {0})", Error);
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().OrTimeout(TimeSpan.FromSeconds(60));
        await _reading;
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static async Task CopyAsync(StreamReader reader, StringBuilder into)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (into)
            {
                into.AppendLine(line);
            }
        }
    }
}
