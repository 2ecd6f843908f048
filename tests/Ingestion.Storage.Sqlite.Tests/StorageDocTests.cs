using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Storage.Sqlite.Tests;

/// <summary>The SQLite code of docs/storage.md, compiled and run.</summary>
public sealed class StorageDocTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ingestion-storage-doc-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _root.Delete(recursive: true);
    }

    [Fact]
    public async Task TheSqliteStore_KeepsTheHistoryAndTheRecords_AcrossARestart()
    {
        var puzzles = Path.Combine(_root.FullName, "puzzles");
        var dataset = Path.Combine(_root.FullName, "dataset");
        await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions { PuzzleCount = 20, Seed = 3 }, puzzles, dataset);
        var databasePath = Path.Combine(_root.FullName, "ingestion.db");
        string jobId;

        var services = new ServiceCollection().AddLogging();
        // snippet: docs/storage.md begin
        services.AddIngestion()
            .AddHuggingFaceIngestion(o =>
            {
                o.Tasks.Add("Generated", puzzles);
                o.LocalDatasetRoots.Add(dataset);
            })
            .UseSqliteStore(databasePath);   // the history, the records and the checkpoints in one file
        // snippet: docs/storage.md end
        await using (var provider = services.BuildServiceProvider())
        {
            var manager = provider.GetRequiredService<IJobManager>();
            var job = await manager.StartAsync(HuggingFaceIngestionJob.Kind, new HuggingFaceIngestionParameters
            {
                LocalPath = dataset,
                Dataset = "generated/arc-synthetic",
                ModelFolder = "synthetic-medium",
                Source = "Generated",
            });
            jobId = job.Id;
            (await manager.WaitForCompletionAsync(job.Id)).State.Should().Be(JobState.Completed);
        }

        SqliteConnection.ClearAllPools();
        var again = new ServiceCollection().AddLogging();
        again.AddIngestion().AddHuggingFaceIngestion(o => o.Tasks.Add("Generated", puzzles)).UseSqliteStore(databasePath);
        await using var restarted = again.BuildServiceProvider();
        var jobs = restarted.GetRequiredService<IJobManager>();

        // snippet: docs/storage.md begin
        var page = await jobs.GetHistoryAsync(new JobHistoryQuery
        {
            Parameters = new Dictionary<string, string> { ["dataset"] = "generated/arc-synthetic" },
            States = [JobState.Completed],
        });
        foreach (var run in page.Items)
        {
            Console.WriteLine($"{run.CreatedAt:u} {run.Parameters.GetProperty("modelFolder")}: {run.Progress.Succeeded} saved, " +
                $"pass@2 {run.Results.GetValueOrDefault("passAt2"):P1}");
        }
        // snippet: docs/storage.md end

        page.Items.Select(static j => j.Id).Should().Equal(jobId);
        var counts = await restarted.GetRequiredService<IExplanationRepository>().CountByModelNameAsync();
        counts.Values.Sum().Should().Be(page.Items[0].Progress.Counters["AttemptsSaved"]);
    }

    [Fact]
    public async Task ThePackageReadmesWiring_PutsTheHistoryAndTheRecords_InOneSqliteDatabase()
    {
        var services = new ServiceCollection().AddLogging();
        // snippet: src/Ingestion.Storage.Sqlite/README.md begin
        services.AddIngestion()
            .AddHuggingFaceIngestion(o => o.Tasks.AddArcAgi1("/data/ARC-AGI"))
            .UseSqliteStore("/var/lib/ingestion/ingestion.db");  // the folder must exist; the file is created
        // snippet: src/Ingestion.Storage.Sqlite/README.md end

        services.Count(d => d.ServiceType == typeof(IJobStore)).Should().Be(1, "the store replaces the in-memory one");
        await using (var provider = services.BuildServiceProvider())
        {
            // This machine has no /var/lib/ingestion: the store says what is wrong when it is first resolved.
            provider.Invoking(p => p.GetRequiredService<IJobStore>()).Should().Throw<DirectoryNotFoundException>().WithMessage("*folder does not exist*");
        }

        // The same wiring in a folder that exists: one database behind both services.
        services.AddIngestion().UseSqliteStore(Path.Combine(_root.FullName, "ingestion.db"));
        await using var working = services.BuildServiceProvider();
        working.GetRequiredService<IJobStore>().Should().BeOfType<SqliteJobStore>();
        working.GetRequiredService<IExplanationRepository>().Should().BeOfType<SqliteExplanationRepository>();
    }
}
