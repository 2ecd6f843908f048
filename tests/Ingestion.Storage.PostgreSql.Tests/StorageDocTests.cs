using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Storage.PostgreSql.Tests;

/// <summary>The PostgreSQL code of docs/storage.md, compiled and run.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class StorageDocTests(PostgreSqlFixture postgres) : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ingestion-pg-doc-");

    public void Dispose() => _root.Delete(recursive: true);

    [PostgreSqlFact]
    public async Task ThePostgreSqlStore_RunsTheJob_AndKeepsItsHistory()
    {
        var puzzles = Path.Combine(_root.FullName, "puzzles");
        var dataset = Path.Combine(_root.FullName, "dataset");
        await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions { PuzzleCount = 10, Seed = 4 }, puzzles, dataset);
        await using var database = await postgres.CreateDatabaseAsync();
        var connectionString = database.ConnectionString;
        var services = new ServiceCollection().AddLogging();

        // snippet: docs/storage.md begin
        services.AddIngestion()
            .AddHuggingFaceIngestion(o => o.Tasks.Add("Generated", puzzles))
            .UsePostgreSqlStore(connectionString);   // "Host=db;Database=ingestion;Username=ingestion;Password=…"
        // snippet: docs/storage.md end
        services.Configure<HuggingFaceIngestionOptions>(o => o.LocalDatasetRoots.Add(dataset));

        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<IJobManager>();
        var job = await manager.StartAsync(HuggingFaceIngestionJob.Kind, new HuggingFaceIngestionParameters
        {
            LocalPath = dataset,
            Dataset = "generated/arc-synthetic",
            ModelFolder = "synthetic-medium",
            Source = "Generated",
        });
        (await manager.WaitForCompletionAsync(job.Id)).State.Should().Be(JobState.Completed);
        (await database.ScalarAsync($"SELECT state FROM jobs WHERE id = '{job.Id}';")).Should().Be((int)JobState.Completed);
    }

    [PostgreSqlFact]
    public async Task ThePackageReadmesWiring_PutsTheHistoryAndTheRecords_InOnePostgreSqlDatabase()
    {
        var services = new ServiceCollection().AddLogging();
        // snippet: src/Ingestion.Storage.PostgreSql/README.md begin
        services.AddIngestion()
            .AddHuggingFaceIngestion(o => o.Tasks.AddArcAgi1("/data/ARC-AGI"))
            .UsePostgreSqlStore("Host=db;Database=ingestion;Username=ingestion;Password=…");  // the database must exist
        // snippet: src/Ingestion.Storage.PostgreSql/README.md end

        services.Count(d => d.ServiceType == typeof(IJobStore)).Should().Be(1, "the store replaces the in-memory one");

        // The same wiring on a server that is there (this machine has no host "db"): one database behind both services.
        await using var database = await postgres.CreateDatabaseAsync();
        services.AddIngestion().UsePostgreSqlStore(database.ConnectionString);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IJobStore>().Should().BeOfType<PostgreSqlJobStore>();
        provider.GetRequiredService<IExplanationRepository>().Should().BeOfType<PostgreSqlExplanationRepository>();
        (await provider.GetRequiredService<IExplanationRepository>().CountByModelNameAsync()).Should().BeEmpty("the new database was migrated and answers");
    }
}
