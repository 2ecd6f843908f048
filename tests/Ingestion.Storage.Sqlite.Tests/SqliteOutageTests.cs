using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Storage.Sqlite.Tests;

/// <summary>
/// The database going away mid-run, for real: the SQLite file lives on a small tmpfs of the test's own, which is
/// filled up while the job runs, so SQLite's next write fails with "database or disk is full". The job must stop
/// Interrupted with that error, whole puzzles only and a checkpoint that matches them; once there is room again,
/// resume must finish it with the table of an uninterrupted run.
/// </summary>
/// <remarks>
/// Making the file read-only does not do it: a running host's connections are open already and keep writing (and as
/// root, permissions are not checked at all). A full disk fails writes on open files too. Mounting needs root, which
/// <c>.ci/test.sh</c> has; elsewhere the test fails saying so, unless <c>INGESTION_SKIP_MOUNT_TESTS=1</c>.
/// </remarks>
public sealed class SqliteOutageTests : IAsyncLifetime
{
    private const string ModelFolder = "synthetic-medium";
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ingestion-outage-");
    private string? _mount;

    private string Mount => _mount ?? throw new InvalidOperationException("Mounted in InitializeAsync.");

    public async Task InitializeAsync()
    {
        await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions { PuzzleCount = 160, Seed = 707 }, Path.Combine(_root.FullName, "puzzles"), Path.Combine(_root.FullName, "dataset"));
        if (Environment.GetEnvironmentVariable("INGESTION_SKIP_MOUNT_TESTS") == "1")
        {
            return;
        }

        var mount = Directory.CreateDirectory(Path.Combine(_root.FullName, "disk")).FullName;
        var (code, output) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount);
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"This test mounts a small tmpfs to fill it up, which needs root (mount said: {output.Trim()}). Run it as root "
                + "(./.ci/test.sh in CI is), or set INGESTION_SKIP_MOUNT_TESTS=1 to skip it knowingly.");
        }

        _mount = mount;
    }

    public async Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_mount is not null)
        {
            await RunAsync("umount", _mount);
        }

        _root.Delete(recursive: true);
    }

    [Fact]
    public async Task ADiskThatFillsUpMidRun_InterruptsTheJob_WithWholePuzzlesOnly_AndResumeFinishesItOnceThereIsRoom()
    {
        if (_mount is null)
        {
            return; // INGESTION_SKIP_MOUNT_TESTS=1
        }

        var expectedFile = Path.Combine(_root.FullName, "expected.db");
        JobSnapshot uninterrupted;
        await using (var plain = Provider(expectedFile))
        {
            var manager = plain.GetRequiredService<IJobManager>();
            var job = await manager.StartAsync(HuggingFaceIngestionJob.Kind, Parameters(delayMs: 0));
            uninterrupted = await manager.WaitForCompletionAsync(job.Id).OrTimeout(TimeSpan.FromSeconds(60));
        }

        var file = Path.Combine(Mount, "ingestion.db");
        var filler = Path.Combine(Mount, "filler");
        await using var provider = Provider(file);
        var jobs = provider.GetRequiredService<IJobManager>();
        var repository = provider.GetRequiredService<IExplanationRepository>();
        var started = await jobs.StartAsync(HuggingFaceIngestionJob.Kind, Parameters(delayMs: 10));
        await Wait.UntilAsync(async () => (await jobs.GetAsync(started.Id))!.Progress.Processed >= 40, "40 puzzles are done");

        FillUp(filler);
        var stopped = await jobs.WaitForCompletionAsync(started.Id).OrTimeout(TimeSpan.FromSeconds(60));

        stopped.State.Should().Be(JobState.Interrupted, stopped.Error?.ToString());
        stopped.Error!.Message.Should().StartWith("The explanation store failed while").And.Contain("database or disk is full")
            .And.Contain("Resume the job once the store is back.");
        stopped.Progress.Processed.Should().BeLessThan(uninterrupted.Progress.Processed, "the job stopped mid-run");
        File.Delete(filler);
        var checkpoint = await repository.GetCheckpointAsync(started.Id);
        checkpoint.Should().NotBeNull();
        var position = System.Text.Json.JsonDocument.Parse(checkpoint!).RootElement.GetProperty("position").GetInt32();
        var stored = await ReadTableAsync(file);
        var storedPuzzles = stored.Select(static r => r.Split('|')[0]).Distinct().Count();
        storedPuzzles.Should().BeGreaterThan(30, "40 puzzles were done, a few of them without a file");
        storedPuzzles.Should().BeLessThanOrEqualTo(position, "the table holds the checkpoint's puzzles (some have no file, so no rows), none beyond");
        var expected = await ReadTableAsync(expectedFile);
        stored.Should().BeSubsetOf(expected, "each stored puzzle is whole and as an uninterrupted run wrote it");

        (await jobs.ResumeAsync(started.Id)).Status.Should().Be(JobCommandStatus.Applied);
        var final = await jobs.WaitForCompletionAsync(started.Id).OrTimeout(TimeSpan.FromSeconds(60));

        final.State.Should().Be(JobState.Completed, final.Error?.ToString());
        final.Progress.Succeeded.Should().Be(uninterrupted.Progress.Succeeded);
        final.Progress.Failed.Should().Be(uninterrupted.Progress.Failed);
        final.Progress.Counters.Should().BeEquivalentTo(uninterrupted.Progress.Counters);
        (await ReadTableAsync(file)).Should().Equal(expected);
        var history = await provider.GetRequiredService<IJobStore>().GetAsync(started.Id, CancellationToken.None);
        history!.State.Should().Be(JobState.Completed, "the history caught up once the disk had room");
    }

    private ServiceProvider Provider(string file)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddIngestion(o => o.ProgressInterval = TimeSpan.FromMilliseconds(20))
            .AddHuggingFaceIngestion(o =>
            {
                o.Tasks.Add("Generated", Path.Combine(_root.FullName, "puzzles"));
                o.LocalDatasetRoots.Add(_root.FullName);
            })
            .UseSqliteStore(file);
        return services.BuildServiceProvider();
    }

    private HuggingFaceIngestionParameters Parameters(int delayMs) => new()
    {
        LocalPath = Path.Combine(_root.FullName, "dataset"),
        Dataset = "generated/arc-synthetic",
        ModelFolder = ModelFolder,
        Source = "Generated",
        DelayMs = delayMs,
    };

    /// <summary>Writes zeros until the file system says it is full.</summary>
    private static void FillUp(string path)
    {
        var block = new byte[64 * 1024];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
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
    }

    private static async Task<IReadOnlyList<string>> ReadTableAsync(string file)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        return await CrashResumeTests.ReadExplanationsAsync(connection);
    }

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
