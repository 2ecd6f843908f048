using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ingestion.TestUtilities;

/// <summary>
/// A real PostgreSQL server of the machine's (the highest version under <c>/usr/lib/postgresql/*/bin</c>), made by the
/// test: <c>initdb</c> into a fresh temp directory (trust on loopback, UTF8, no fsync), <c>pg_ctl start</c> on a free
/// loopback port, one database per server. It can be stopped and started again on the same data and port (for "the
/// database goes away" tests), and is stopped and deleted at the end. PostgreSQL refuses to run as root, so as root the
/// tools run as the <c>postgres</c> user (<c>runuser</c>) on a directory that user owns. Not installed is a failure with
/// what to do, never a silent skip: only <c>INGESTION_SKIP_POSTGRES_TESTS=1</c> skips (see <see cref="SkipRequested"/>),
/// and CI does not set it.
/// </summary>
public sealed class PostgreSqlServer : IAsyncDisposable
{
    private const string PackageRoot = "/usr/lib/postgresql";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private bool _disposed;

    private PostgreSqlServer(string bin, string root, bool asPostgresUser, int port, string database)
    {
        _bin = bin;
        _root = root;
        _asPostgresUser = asPostgresUser;
        Port = port;
        Database = database;
    }

    public int Port { get; }

    /// <summary>The database made for this server's test run.</summary>
    public string Database { get; }

    /// <summary>The data directory (<c>initdb</c>'s), deleted by <see cref="DisposeAsync"/>.</summary>
    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>The connection string, as Npgsql takes it.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={Database}";

    /// <summary>Whether the environment asks, explicitly, to skip the tests that need PostgreSQL.</summary>
    public static bool SkipRequested => Environment.GetEnvironmentVariable("INGESTION_SKIP_POSTGRES_TESTS") == "1";

    private string SocketDirectory => Path.Combine(_root, "socket");

    private string LogFile => Path.Combine(_root, "server.log");

    public static async Task<PostgreSqlServer> StartAsync()
    {
        var bin = FindBinDirectory()
            ?? throw new InvalidOperationException(
                $"PostgreSQL is not installed (no {PackageRoot}/*/bin/initdb), and this test needs a real server. Run ./.ci/test.sh "
                + "(it installs it with apt), or apt-get install postgresql; set INGESTION_SKIP_POSTGRES_TESTS=1 only to skip these "
                + "tests knowingly.");

        var asPostgresUser = Environment.IsPrivilegedProcess;
        var root = Path.Combine(Path.GetTempPath(), "ingestion-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(root, "socket"));

        var port = FreePort.OnLoopback();

        var server = new PostgreSqlServer(bin, root, asPostgresUser, port, "ingestion_test_" + Guid.NewGuid().ToString("N"));
        try
        {
            if (asPostgresUser)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", root]);
            }

            await server.RunToolAsync("initdb", [
                "-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync",
            ]);
            await server.StartServerAsync();
            await server.RunToolAsync("createdb", ["-h", "127.0.0.1", "-p", server.PortText, "-U", "postgres", server.Database]);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>): connections now fail; the data stays.</summary>
    public async Task StopAsync() =>
        await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"]);

    /// <summary>Starts the stopped server again, on the same data directory and port.</summary>
    public async Task StartAgainAsync() => await StartServerAsync();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Exception? stopFailure = null;
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                // The data is thrown away: no need for a clean shutdown.
                await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "60"]);
            }
            catch (InvalidOperationException e)
            {
                stopFailure = e;
            }
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        if (stopFailure is not null)
        {
            throw new InvalidOperationException($"The PostgreSQL server on port {Port} did not stop.", stopFailure);
        }
    }

    private string PortText => Port.ToString(CultureInfo.InvariantCulture);

    private static string? FindBinDirectory() =>
        Directory.Exists(PackageRoot)
            ? Directory.GetDirectories(PackageRoot)
                .Select(folder => (Folder: folder, Version: decimal.TryParse(Path.GetFileName(folder), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1m))
                .Where(candidate => File.Exists(Path.Combine(candidate.Folder, "bin", "initdb")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => Path.Combine(candidate.Folder, "bin"))
                .FirstOrDefault()
            : null;

    private async Task StartServerAsync()
    {
        // -w waits until the server accepts connections; -l sends its output to a file, so no pipe of ours stays open.
        await RunToolAsync("pg_ctl", [
            "start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60",
            "-o", $"-p {PortText} -k {SocketDirectory} -c listen_addresses=127.0.0.1 -c fsync=off",
        ]);
        await Wait.UntilAsync(AcceptsConnectionsAsync, $"PostgreSQL accepts connections on port {Port}");
    }

    private async Task<bool> AcceptsConnectionsAsync()
    {
        var (exitCode, _, _) = await RunRawAsync(Path.Combine(_bin, "pg_isready"), ["-h", "127.0.0.1", "-p", PortText, "-U", "postgres"]);
        return exitCode == 0;
    }

    /// <summary>Runs a tool of the bin directory; as root the server tools run as the postgres user.</summary>
    private async Task RunToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_bin, tool);
        var runAsPostgres = _asPostgresUser && tool is "initdb" or "pg_ctl";
        try
        {
            if (runAsPostgres)
            {
                await RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments]);
            }
            else
            {
                await RunAsync(path, arguments);
            }
        }
        catch (InvalidOperationException e) when (tool == "pg_ctl" && File.Exists(LogFile))
        {
            throw new InvalidOperationException($"{e.Message}{Environment.NewLine}Server log ({LogFile}):{Environment.NewLine}{ReadLog()}", e);
        }
    }

    private string ReadLog()
    {
        try
        {
            var lines = File.ReadAllLines(LogFile);
            return string.Join(Environment.NewLine, lines.TakeLast(30));
        }
        catch (IOException e)
        {
            return $"(unreadable: {e.Message})";
        }
    }

    private static async Task RunAsync(string executable, IReadOnlyList<string> arguments)
    {
        var (exitCode, output, error) = await RunRawAsync(executable, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"{executable} {string.Join(' ', arguments)} failed with exit code {exitCode}.{Environment.NewLine}"
                + $"stderr: {error.Trim()}{Environment.NewLine}stdout: {output.Trim()}");
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunRawAsync(string executable, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"{executable} {string.Join(' ', arguments)} did not finish in {ToolTimeout.TotalSeconds} s.");
        }

        return (process.ExitCode, await output, await error);
    }
}
