using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ingestion.TestUtilities;

/// <summary>
/// A real redis-server of the machine's, started by the test on a free loopback port, and killed at the end: without
/// persistence, or with an append-only file in a folder of the test's (every write synced), so that it can be stopped
/// and started again with its data. Not installed is a failure with what to do, never a silent skip: only
/// <c>INGESTION_SKIP_REDIS_TESTS=1</c> skips (see <see cref="SkipRequested"/>), and CI does not set it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _executable;
    private readonly string? _dataDirectory;
    private Process _process = null!;

    private RedisServer(string executable, int port, string? dataDirectory)
    {
        _executable = executable;
        _dataDirectory = dataDirectory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The endpoint, as StackExchange.Redis takes it: <c>127.0.0.1:port</c>.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Whether the environment asks, explicitly, to skip the tests that need Redis.</summary>
    public static bool SkipRequested => Environment.GetEnvironmentVariable("INGESTION_SKIP_REDIS_TESTS") == "1";

    /// <param name="dataDirectory">Where the append-only file goes; null for a server without persistence.</param>
    public static async Task<RedisServer> StartAsync(string? dataDirectory = null)
    {
        var executable = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
                .Append("/usr/bin").Append("/usr/sbin")
                .Select(folder => Path.Combine(folder, "redis-server"))
                .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "redis-server is not installed, and this test needs a real one. Run ./.ci/test.sh (it installs it with apt), or "
                + "apt-get install redis-server; set INGESTION_SKIP_REDIS_TESTS=1 only to skip these tests knowingly.");

        var server = new RedisServer(executable, FreePort.OnLoopback(), dataDirectory);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills the server (SIGKILL: what it wrote to its append-only file stays).</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>Starts the server again on the same port (and data folder).</summary>
    public Task StartAgainAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartProcessAsync()
    {
        var port = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(_executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in _dataDirectory is null
                     ? (string[])["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]
                     : ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", _dataDirectory, "--daemonize", "no"])
        {
            start.ArgumentList.Add(argument);
        }

        if (_dataDirectory is not null)
        {
            Directory.CreateDirectory(_dataDirectory);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            await Wait.UntilAsync(PingsAsync, $"redis-server answers PING on port {port}");
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    private async Task<bool> PingsAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode}.");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"));
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
