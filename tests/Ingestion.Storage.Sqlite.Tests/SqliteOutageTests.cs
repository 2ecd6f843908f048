using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Storage.Sqlite.Tests;

/// <summary>
/// The database going away mid-run on SQLite: the file lives on a small tmpfs of the test's own, which is filled up
/// while the job writes, so SQLite's next write fails with "database or disk is full"; then the filler is deleted.
/// </summary>
/// <remarks>
/// Making the file read-only does not do it: a running host's connections are open already and keep writing (and as
/// root, permissions are not checked at all). A full disk fails writes on open files too. Mounting needs root, which
/// <c>.ci/test.sh</c> has; elsewhere the test fails saying so, unless <c>INGESTION_SKIP_MOUNT_TESTS=1</c> leaves it out
/// of the build.
/// </remarks>
public sealed class SqliteOutageTests : StoreOutageTests
{
    private string? _mount;

    private string Mount => _mount ?? throw new InvalidOperationException("Mounted in InitializeAsync.");

    private string Filler => Path.Combine(Mount, "filler");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var mount = Directory.CreateDirectory(Path.Combine(Root, "disk")).FullName;
        var (code, output) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount);
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"This test mounts a small tmpfs to fill it up, which needs root (mount said: {output.Trim()}). Run it as root "
                + "(./.ci/test.sh in CI is), or set INGESTION_SKIP_MOUNT_TESTS=1 when building to leave it out knowingly.");
        }

        _mount = mount;
    }

    public override async Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_mount is not null)
        {
            await RunAsync("umount", _mount);
        }

        await base.DisposeAsync();
    }

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(Path.Combine(Mount, $"ingestion-{Guid.NewGuid():N}.db"));

    protected override void UseStore(IIngestionBuilder builder, string database) => builder.UseSqliteStore(database);

    /// <summary>Writes zeros until the file system says it is full.</summary>
    protected override Task BreakAsync(string database)
    {
        var block = new byte[64 * 1024];
        using var stream = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // Full.
        }

        return Task.CompletedTask;
    }

    protected override Task RestoreAsync(string database)
    {
        File.Delete(Filler);
        return Task.CompletedTask;
    }

    protected override async Task<DbConnection> OpenAsync(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    // A full disk reaches SQLite as SQLITE_FULL on a write, or as SQLITE_IOERR when it cannot grow the WAL index on a read.
    protected override void CheckError(JobError stoppedWith)
        => stoppedWith.Message.Should().Match(m => m.Contains("database or disk is full", StringComparison.Ordinal) || m.Contains("disk I/O error", StringComparison.Ordinal));

    private static async Task<(int Code, string Output)> RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
