using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ingestion.TestUtilities;

/// <summary>
/// A real redis-server of the machine's, started by the test on a free loopback port, without persistence, and killed
/// at the end. Not installed is a failure with what to do, never a silent skip: only
/// <c>INGESTION_SKIP_REDIS_TESTS=1</c> skips (see <see cref="SkipRequested"/>), and CI does not set it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The endpoint, as StackExchange.Redis takes it: <c>127.0.0.1:port</c>.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Whether the environment asks, explicitly, to skip the tests that need Redis.</summary>
    public static bool SkipRequested => Environment.GetEnvironmentVariable("INGESTION_SKIP_REDIS_TESTS") == "1";

    public static async Task<RedisServer> StartAsync()
    {
        var executable = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
                .Append("/usr/bin").Append("/usr/sbin")
                .Select(folder => Path.Combine(folder, "redis-server"))
                .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "redis-server is not installed, and this test needs a real one. Run ./.ci/test.sh (it installs it with apt), or "
                + "apt-get install redis-server; set INGESTION_SKIP_REDIS_TESTS=1 only to skip these tests knowingly.");

        var port = FreePort.OnLoopback();

        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port);
        try
        {
            await Wait.UntilAsync(server.PingsAsync, $"redis-server answers PING on port {port}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
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
