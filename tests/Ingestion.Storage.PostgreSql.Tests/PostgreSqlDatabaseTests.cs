using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ingestion.Storage.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlDatabaseTests(PostgreSqlFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset Epoch = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    /// <summary>How long an operation may take to fail while the server is down: Npgsql's 15 s connect timeout, and some slack.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(20);

    private TestDatabase? _database;

    private TestDatabase Database => _database!;

    public async Task InitializeAsync() => _database = await postgres.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [PostgreSqlFact]
    public async Task Reopening_TheDatabase_KeepsJobsRecordsAndCheckpoints_InNativeColumns()
    {
        var job = new JobSnapshot
        {
            Id = "job-1",
            Kind = "import",
            State = JobState.Interrupted,
            Parameters = JsonDocument.Parse("""{"dryRun":true,"dataset":"d"}""").RootElement.Clone(),
            CreatedAt = Epoch,
            Checkpoint = "after puzzle-a",
            RunCount = 1,
        };
        var record = SampleRecords.Record("puzzle-a");
        await using (var first = Database.Open())
        {
            await new PostgreSqlJobStore(first).SaveAsync(job, CancellationToken.None);
            await new PostgreSqlExplanationRepository(first).CommitAsync(new ExplanationCommit([record], "job-1", "after puzzle-a"));
        }

        await using var second = Database.Open();
        var store = new PostgreSqlJobStore(second);
        var repository = new PostgreSqlExplanationRepository(second);

        var read = await store.GetAsync("job-1", CancellationToken.None);
        read.Should().NotBeNull();
        read!.State.Should().Be(JobState.Interrupted);
        read.Checkpoint.Should().Be("after puzzle-a");
        (await repository.GetAsync("puzzle-a", "model-x-attempt1")).Should().BeEquivalentTo(record);
        (await repository.GetCheckpointAsync("job-1")).Should().Be("after puzzle-a");
        (await Database.ScalarAsync("SELECT dry_run FROM jobs WHERE id = 'job-1';")).Should().Be(true, "the dry-run flag is taken from the parameters");
        (await Database.ScalarAsync("SELECT parameters ->> 'dataset' FROM jobs WHERE id = 'job-1';")).Should().Be("d", "the parameters are jsonb");
        (await Database.ScalarAsync("SELECT created_at FROM jobs WHERE id = 'job-1';")).Should().Be(Epoch.UtcDateTime, "the times are timestamptz too, for SQL");
        (await Database.ScalarAsync("SELECT predictions -> 0 -> 'predicted' -> 1 ->> 0 FROM explanations;")).Should().Be("3", "the predictions are jsonb, grids as arrays");
    }

    [PostgreSqlFact]
    public async Task SaveAndCommit_ThenRead_KeepEveryTickOfEveryTime()
    {
        // PostgreSQL's timestamptz keeps microseconds; .NET keeps 100 ns ticks. The ticks columns keep the rest.
        var odd = Epoch.AddTicks(1_234_567);
        var job = new JobSnapshot { Id = "job-1", Kind = "import", State = JobState.Completed, CreatedAt = odd, StartedAt = odd.AddTicks(3), FinishedAt = odd.AddTicks(9) };
        var record = new ExplanationRecord
        {
            PuzzleId = "puzzle-a",
            ModelName = "m-attempt1",
            ModelFolder = "m",
            AttemptNumber = 1,
            Dataset = "d",
            Source = "s",
            TestPairs = 0,
            Predictions = [],
            Duration = TimeSpan.FromTicks(7),
            IngestedAt = odd.AddTicks(1),
        };
        await using var database = Database.Open();

        await new PostgreSqlJobStore(database).SaveAsync(job, CancellationToken.None);
        await new PostgreSqlExplanationRepository(database).SaveAsync(record);

        var read = await new PostgreSqlJobStore(database).GetAsync("job-1", CancellationToken.None);
        read!.CreatedAt.UtcTicks.Should().Be(job.CreatedAt.UtcTicks);
        read.StartedAt!.Value.UtcTicks.Should().Be(job.StartedAt.Value.UtcTicks);
        read.FinishedAt!.Value.UtcTicks.Should().Be(job.FinishedAt.Value.UtcTicks);
        var readRecord = await new PostgreSqlExplanationRepository(database).GetAsync("puzzle-a", "m-attempt1");
        readRecord!.IngestedAt.UtcTicks.Should().Be(record.IngestedAt.UtcTicks);
        readRecord.Duration.Should().Be(record.Duration);
    }

    [PostgreSqlFact]
    public async Task Migrations_RunTwice_AreHarmless_AndRecordEachVersionOnce()
    {
        await using (var first = Database.Open())
        {
            PostgreSqlMigrations.Apply(first.DataSource);
            PostgreSqlMigrations.Apply(first.DataSource);
        }

        await using var again = Database.Open();

        (await Database.ScalarAsync("SELECT count(*) FROM schema_version;")).Should().Be((long)PostgreSqlMigrations.All.Count);
        (await Database.ScalarAsync("SELECT max(version) FROM schema_version;")).Should().Be(PostgreSqlMigrations.All.Count);
        (await Database.ScalarAsync("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('jobs', 'explanations', 'checkpoints');")).Should().Be(3L);
    }

    [PostgreSqlFact]
    public async Task Migrations_FromEightHostsStartingAtOnce_AllSucceed_AndApplyOnce()
    {
        // Eight data sources (eight pools, as eight hosts would have) on threads of their own, released together onto
        // the empty database: the advisory lock lets one migrate, and the others find its version.
        const int Hosts = 8;
        using var start = new Barrier(Hosts);
        var hosts = Enumerable.Range(0, Hosts).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                using var database = Database.Open();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        await Task.WhenAll(hosts).WaitAsync(Wait.Timeout);

        (await Database.ScalarAsync("SELECT count(*) FROM schema_version;")).Should().Be((long)PostgreSqlMigrations.All.Count);
        (await Database.ScalarAsync("SELECT max(version) FROM schema_version;")).Should().Be(PostgreSqlMigrations.All.Count);
    }

    [PostgreSqlFact]
    public async Task UsePostgreSqlStore_RegistersOneDatabaseBehindTheJobStoreAndTheRepository_AndTheContainerDisposesIt()
    {
        var services = new ServiceCollection();
        services.AddIngestion().UsePostgreSqlStore(Database.ConnectionString);
        var provider = services.BuildServiceProvider();
        PostgreSqlDatabase database;
        await using (provider)
        {
            var store = provider.GetRequiredService<IJobStore>();
            var repository = provider.GetRequiredService<IExplanationRepository>();
            database = provider.GetRequiredService<PostgreSqlDatabase>();

            store.Should().BeOfType<PostgreSqlJobStore>();
            repository.Should().BeOfType<PostgreSqlExplanationRepository>();
            provider.GetRequiredService<IJobStore>().Should().BeSameAs(store);
            await repository.CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-b")], "job-2", "one"));
            await store.SaveAsync(new JobSnapshot { Id = "job-2", Kind = "import", State = JobState.Running, CreatedAt = Epoch }, CancellationToken.None);
        }

        (await Database.ScalarAsync("SELECT count(*) FROM explanations;")).Should().Be(1L);
        (await Database.ScalarAsync("SELECT count(*) FROM jobs;")).Should().Be(1L);
        var afterDisposal = async () => await database.DataSource.OpenConnectionAsync();
        await afterDisposal.Should().ThrowAsync<ObjectDisposedException>("the container disposed the data source it made");
    }

    [PostgreSqlFact]
    public async Task UsePostgreSqlStore_WithTheHostsDataSource_UsesIt_AndLeavesItOpen()
    {
        await using var dataSource = NpgsqlDataSource.Create(Database.ConnectionString);
        var services = new ServiceCollection();
        services.AddSingleton(dataSource);
        services.AddIngestion().UsePostgreSqlStore(static sp => sp.GetRequiredService<NpgsqlDataSource>());
        var provider = services.BuildServiceProvider();
        await using (provider)
        {
            provider.GetRequiredService<PostgreSqlDatabase>().DataSource.Should().BeSameAs(dataSource);
            await provider.GetRequiredService<IExplanationRepository>().CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-b")], "job-2", "one"));
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM explanations;", connection);
        (await command.ExecuteScalarAsync()).Should().Be(1L, "the host's data source is still open after the container is gone");
    }

    [PostgreSqlFact]
    public void UsePostgreSqlStore_WithAMalformedConnectionString_ThrowsWhereItIsAdded_WithoutThePassword()
    {
        var services = new ServiceCollection();

        var add = () => services.AddIngestion().UsePostgreSqlStore($"Host=127.0.0.1;Password={PostgreSqlFixture.Password};Port=not-a-port");

        add.Should().Throw<ArgumentException>().Which.ToString().Should().NotContain(PostgreSqlFixture.Password);
    }

    [PostgreSqlFact]
    public async Task Recovery_AtStartUp_MarksTheDatabasesLiveJobsInterrupted_AndLeavesTheOthers()
    {
        await using (var before = Database.Open())
        {
            var store = new PostgreSqlJobStore(before);
            foreach (var (id, state) in new[] { ("running", JobState.Running), ("pausing", JobState.Pausing), ("paused", JobState.Paused), ("done", JobState.Completed) })
            {
                await store.SaveAsync(new JobSnapshot { Id = id, Kind = "import", State = state, CreatedAt = Epoch, Checkpoint = $"at {id}", RunCount = 1 }, CancellationToken.None);
            }
        }

        var services = new ServiceCollection();
        services.AddIngestion().UsePostgreSqlStore(Database.ConnectionString);
        var provider = services.BuildServiceProvider();
        await using (provider)
        {
            (await provider.GetRequiredService<JobManager>().RecoverAsync()).Should().Be(3);
        }

        await using var after = Database.Open();
        var reopened = new PostgreSqlJobStore(after);
        foreach (var id in new[] { "running", "pausing", "paused" })
        {
            var job = await reopened.GetAsync(id, CancellationToken.None);
            job!.State.Should().Be(JobState.Interrupted);
            job.Checkpoint.Should().Be($"at {id}", "recovery keeps the checkpoint to resume from");
            job.FinishedAt.Should().NotBeNull();
        }

        (await reopened.GetAsync("done", CancellationToken.None))!.State.Should().Be(JobState.Completed);
    }

    [PostgreSqlFact]
    public async Task Commit_ThatTheServerRefusesAtItsSecondRecord_WritesNothing_AndKeepsTheOldCheckpoint()
    {
        await using var database = Database.Open();
        var repository = new PostgreSqlExplanationRepository(database);
        await repository.CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-a")], "job-1", "after puzzle-a"));

        // PostgreSQL text cannot hold U+0000: the server refuses the second upsert, after it has run the first.
        var refused = new ExplanationRecord
        {
            PuzzleId = "puzzle-c",
            ModelName = "model-x-attempt1",
            ModelFolder = "model-x",
            AttemptNumber = 1,
            Dataset = "d",
            Source = "ARC1\0Eval",
            TestPairs = 0,
            Predictions = [],
        };
        var commit = async () => await repository.CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-b"), refused], "job-1", "after puzzle-c"));

        await commit.Should().ThrowAsync<PostgresException>();
        (await repository.HasAsync("puzzle-b", "model-x-attempt1")).Should().BeFalse("the batch's transaction was rolled back");
        (await repository.GetCheckpointAsync("job-1")).Should().Be("after puzzle-a");
    }

    [PostgreSqlFact]
    public async Task Commit_CancelledWhileItWaitsForALock_WritesNothing_AndKeepsTheOldCheckpoint()
    {
        await using var database = Database.Open();
        var repository = new PostgreSqlExplanationRepository(database);
        await repository.CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-a")], "job-1", "after puzzle-a"));

        // Another transaction holds the checkpoint's row, so the commit upserts puzzle-b, then waits at the checkpoint.
        await using var blocker = new NpgsqlConnection(Database.ConnectionString + ";Pooling=false");
        await blocker.OpenAsync();
        await using var lockTransaction = await blocker.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT checkpoint FROM checkpoints WHERE job_id = 'job-1' FOR UPDATE;", blocker))
        {
            await lockRow.ExecuteNonQueryAsync();
        }

        using var cancellation = new CancellationTokenSource();
        var commit = repository.CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-b")], "job-1", "after puzzle-b"), cancellation.Token).AsTask();
        await Wait.UntilAsync(
            async () => (long)(await Database.ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock';"))! > 0,
            "the commit waits for the checkpoint's row");
        await cancellation.CancelAsync();

        await commit.Awaiting(static c => c).Should().ThrowAsync<OperationCanceledException>();
        await lockTransaction.RollbackAsync();
        (await repository.HasAsync("puzzle-b", "model-x-attempt1")).Should().BeFalse("the batch's transaction was rolled back");
        (await repository.GetCheckpointAsync("job-1")).Should().Be("after puzzle-a");
    }

    [PostgreSqlFact]
    public async Task Operations_WhileTheServerIsStopped_FailPromptly_WithoutThePassword_AndTheFirstOnceItIsBackSucceeds()
    {
        await using var database = Database.Open();
        var store = new PostgreSqlJobStore(database);
        var repository = new PostgreSqlExplanationRepository(database);
        await store.SaveAsync(Job("job-1", JobState.Running), CancellationToken.None);

        await postgres.Server.StopAsync();
        try
        {
            await ShouldFailPromptlyAsync(async () => await store.SaveAsync(Job("job-1", JobState.Completed), CancellationToken.None));
            await ShouldFailPromptlyAsync(async () => await repository.CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-a")], "job-1", "after puzzle-a")));
            await ShouldFailPromptlyAsync(async () => await store.GetAsync("job-1", CancellationToken.None));
            await ShouldFailPromptlyAsync(async () => await Task.Run(() => Database.Open().Dispose()));
        }
        finally
        {
            await postgres.Server.StartAgainAsync();
        }

        await store.SaveAsync(Job("job-1", JobState.Completed), CancellationToken.None);
        (await store.GetAsync("job-1", CancellationToken.None))!.State.Should().Be(JobState.Completed);
        await repository.CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-a")], "job-1", "after puzzle-a"));
        (await repository.GetCheckpointAsync("job-1")).Should().Be("after puzzle-a");
    }

    [PostgreSqlFact]
    public async Task FirstOperation_AfterARestart_Succeeds_ThoughThePoolStillHoldsConnectionsFromBeforeIt()
    {
        await using var database = Database.Open();
        var store = new PostgreSqlJobStore(database);
        var repository = new PostgreSqlExplanationRepository(database);
        await store.SaveAsync(Job("job-1", JobState.Running), CancellationToken.None);
        Func<Task>[] operations =
        [
            async () => (await store.GetAsync("job-1", CancellationToken.None)).Should().NotBeNull(),
            async () => await store.SaveAsync(Job("job-1", JobState.Completed), CancellationToken.None),
            async () => await repository.CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-a")], "job-1", "after puzzle-a")),
            async () => (await store.QueryAsync(new JobHistoryQuery(), CancellationToken.None)).TotalCount.Should().Be(1),
        ];

        foreach (var operation in operations)
        {
            // Several idle connections in the pool, all of which die with the restart; nothing runs in between.
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => repository.CountByModelNameAsync().AsTask()));
            await postgres.Server.StopAsync();
            await postgres.Server.StartAgainAsync();

            await operation();
        }

        (await repository.GetCheckpointAsync("job-1")).Should().Be("after puzzle-a");
        (await store.GetAsync("job-1", CancellationToken.None))!.State.Should().Be(JobState.Completed);
    }

    private static async Task ShouldFailPromptlyAsync(Func<Task> operation)
    {
        var clock = Stopwatch.StartNew();
        var failure = await operation.Should().ThrowAsync<NpgsqlException>();
        clock.Elapsed.Should().BeLessThan(Prompt);
        failure.Which.ToString().Should().NotContain(PostgreSqlFixture.Password, "the connection string's password is never in an exception");
    }

    private static JobSnapshot Job(string id, JobState state) => new() { Id = id, Kind = "import", State = state, CreatedAt = Epoch, RunCount = 1 };
}
