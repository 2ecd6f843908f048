using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ingestion.Storage.PostgreSql.Tests;

/// <summary>
/// The database going away mid-run, for real: the PostgreSQL server is stopped while the job writes. The job must stop
/// Interrupted with the server's error, whole puzzles only and a checkpoint that matches them; once the server is
/// back, resume must finish it with the table of an uninterrupted run.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlOutageTests(PostgreSqlFixture postgres) : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ingestion-pg-outage-");
    private readonly List<TestDatabase> _databases = [];

    public async Task InitializeAsync()
        => await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions { PuzzleCount = 160, Seed = 808 }, Path.Combine(_root.FullName, "puzzles"), Path.Combine(_root.FullName, "dataset"));

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        _root.Delete(recursive: true);
    }

    [PostgreSqlFact]
    public async Task AServerThatStopsMidRun_InterruptsTheJob_WithWholePuzzlesOnly_AndResumeFinishesItOnceItIsBack()
    {
        var expectedDatabase = await CreateDatabaseAsync();
        JobSnapshot uninterrupted;
        await using (var plain = Provider(expectedDatabase.ConnectionString))
        {
            var manager = plain.GetRequiredService<IJobManager>();
            var job = await manager.StartAsync(HuggingFaceIngestionJob.Kind, Parameters(delayMs: 0));
            uninterrupted = await manager.WaitForCompletionAsync(job.Id).OrTimeout(TimeSpan.FromSeconds(60));
        }

        var database = await CreateDatabaseAsync();
        await using var provider = Provider(database.ConnectionString);
        var jobs = provider.GetRequiredService<IJobManager>();
        var started = await jobs.StartAsync(HuggingFaceIngestionJob.Kind, Parameters(delayMs: 10));
        await Wait.UntilAsync(async () => (await jobs.GetAsync(started.Id))!.Progress.Processed >= 40, "40 puzzles are done");

        JobSnapshot stopped;
        await postgres.Server.StopAsync();
        try
        {
            stopped = await jobs.WaitForCompletionAsync(started.Id).OrTimeout(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await postgres.Server.StartAgainAsync();
        }

        stopped.State.Should().Be(JobState.Interrupted, stopped.Error?.ToString());
        stopped.Error!.Message.Should().StartWith("The explanation store failed while").And.Contain("Resume the job once the store is back.");
        stopped.Error.Message.Should().NotContain(PostgreSqlFixture.Password);
        stopped.Progress.Processed.Should().BeLessThan(uninterrupted.Progress.Processed, "the job stopped mid-run");
        var expected = await ReadTableAsync(expectedDatabase);
        var stored = await ReadTableAsync(database);
        stored.Should().NotBeEmpty().And.BeSubsetOf(expected, "each stored puzzle is whole and as an uninterrupted run wrote it");
        var checkpoint = (string?)await database.ScalarAsync($"SELECT checkpoint FROM checkpoints WHERE job_id = '{started.Id}';");
        var position = System.Text.Json.JsonDocument.Parse(checkpoint!).RootElement.GetProperty("position").GetInt32();
        stored.Select(static r => r.Split('|')[0]).Distinct().Count().Should().BeLessThanOrEqualTo(position, "nothing beyond the checkpoint is stored");

        (await jobs.ResumeAsync(started.Id)).Status.Should().Be(JobCommandStatus.Applied);
        var final = await jobs.WaitForCompletionAsync(started.Id).OrTimeout(TimeSpan.FromSeconds(60));

        final.State.Should().Be(JobState.Completed, final.Error?.ToString());
        final.Progress.Succeeded.Should().Be(uninterrupted.Progress.Succeeded);
        final.Progress.Failed.Should().Be(uninterrupted.Progress.Failed);
        final.Progress.Counters.Should().BeEquivalentTo(uninterrupted.Progress.Counters);
        (await ReadTableAsync(database)).Should().Equal(expected);
        (await provider.GetRequiredService<IJobStore>().GetAsync(started.Id, CancellationToken.None))!.State
            .Should().Be(JobState.Completed, "the history caught up once the server was back");
    }

    private async Task<TestDatabase> CreateDatabaseAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        _databases.Add(database);
        return database;
    }

    private ServiceProvider Provider(string connectionString)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddIngestion(o => o.ProgressInterval = TimeSpan.FromMilliseconds(20))
            .AddHuggingFaceIngestion(o =>
            {
                o.Tasks.Add("Generated", Path.Combine(_root.FullName, "puzzles"));
                o.LocalDatasetRoots.Add(_root.FullName);
            })
            .UsePostgreSqlStore(connectionString);
        return services.BuildServiceProvider();
    }

    private HuggingFaceIngestionParameters Parameters(int delayMs) => new()
    {
        LocalPath = Path.Combine(_root.FullName, "dataset"),
        Dataset = "generated/arc-synthetic",
        ModelFolder = "synthetic-medium",
        Source = "Generated",
        DelayMs = delayMs,
    };

    private static async Task<IReadOnlyList<string>> ReadTableAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        return await CrashResumeTests.ReadExplanationsAsync(connection);
    }
}
