using System.Text.Json;
using Ingestion.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Storage.Sqlite.Tests;

public sealed class SqliteDatabaseTests : IDisposable
{
    private static readonly DateTimeOffset Epoch = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDatabaseFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task Reopening_TheFile_KeepsJobsRecordsAndCheckpoints()
    {
        var job = new JobSnapshot
        {
            Id = "job-1",
            Kind = "import",
            State = JobState.Interrupted,
            Parameters = JsonDocument.Parse("""{"dryRun":true}""").RootElement.Clone(),
            CreatedAt = Epoch,
            Checkpoint = "after puzzle-a",
            RunCount = 1,
        };
        var record = SampleRecords.Record("puzzle-a");
        using (var first = _file.Open())
        {
            await new SqliteJobStore(first).SaveAsync(job, CancellationToken.None);
            await new SqliteExplanationRepository(first).CommitAsync(new ExplanationCommit([record], "job-1", "after puzzle-a"));
        }

        SqliteConnection.ClearAllPools();
        using var second = _file.Open();
        var store = new SqliteJobStore(second);
        var repository = new SqliteExplanationRepository(second);

        var read = await store.GetAsync("job-1", CancellationToken.None);
        read.Should().NotBeNull();
        read!.State.Should().Be(JobState.Interrupted);
        read.Checkpoint.Should().Be("after puzzle-a");
        (await repository.GetAsync("puzzle-a", "model-x-attempt1")).Should().BeEquivalentTo(record);
        (await repository.GetCheckpointAsync("job-1")).Should().Be("after puzzle-a");
        ScalarOf(second, "SELECT dry_run FROM jobs WHERE id = 'job-1';").Should().Be(1L, "the dry-run flag is taken from the parameters");
    }

    [Fact]
    public void Migrations_RunTwice_AreHarmless_AndRecordEachVersionOnce()
    {
        using (var first = _file.Open())
        {
            SqliteMigrations.Apply(first);
            SqliteMigrations.Apply(first);
        }

        using var again = _file.Open();

        ScalarOf(again, "SELECT COUNT(*) FROM schema_version;").Should().Be((long)SqliteMigrations.All.Count);
        ScalarOf(again, "SELECT MAX(version) FROM schema_version;").Should().Be((long)SqliteMigrations.All.Count);
        ScalarOf(again, "PRAGMA journal_mode;").Should().Be("wal");
    }

    [Fact]
    public async Task Migrations_FromSeveralOpenersAtOnce_AllSucceed_AndApplyOnce()
    {
        // Separate pools are not possible within one process, but separate connections racing for BEGIN IMMEDIATE are.
        var openers = Enumerable.Range(0, 8).Select(_ => Task.Run(() => _file.Open().Dispose())).ToArray();
        await Task.WhenAll(openers).WaitAsync(Wait.Timeout);

        using var database = _file.Open();
        ScalarOf(database, "SELECT COUNT(*) FROM schema_version;").Should().Be((long)SqliteMigrations.All.Count);
    }

    [Fact]
    public async Task UseSqliteStore_RegistersOneDatabaseBehindTheJobStoreAndTheRepository()
    {
        var services = new ServiceCollection();
        services.AddIngestion().UseSqliteStore(_file.Path);
        var provider = services.BuildServiceProvider();
        await using (provider)
        {
            var store = provider.GetRequiredService<IJobStore>();
            var repository = provider.GetRequiredService<IExplanationRepository>();

            store.Should().BeOfType<SqliteJobStore>();
            repository.Should().BeOfType<SqliteExplanationRepository>();
            provider.GetRequiredService<IJobStore>().Should().BeSameAs(store);
            await repository.CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-b")], "job-2", "one"));
            File.Exists(_file.Path).Should().BeTrue();
        }
    }

    [Fact]
    public async Task Recovery_AtStartUp_MarksTheFilesLiveJobsInterrupted_AndLeavesTheOthers()
    {
        using (var before = _file.Open())
        {
            var store = new SqliteJobStore(before);
            foreach (var (id, state) in new[] { ("running", JobState.Running), ("pausing", JobState.Pausing), ("paused", JobState.Paused), ("done", JobState.Completed) })
            {
                await store.SaveAsync(new JobSnapshot { Id = id, Kind = "import", State = state, CreatedAt = Epoch, Checkpoint = $"at {id}", RunCount = 1 }, CancellationToken.None);
            }
        }

        var services = new ServiceCollection();
        services.AddIngestion().UseSqliteStore(_file.Path);
        var provider = services.BuildServiceProvider();
        await using (provider)
        {
            (await provider.GetRequiredService<JobManager>().RecoverAsync()).Should().Be(3);
        }

        using var after = _file.Open();
        var reopened = new SqliteJobStore(after);
        foreach (var id in new[] { "running", "pausing", "paused" })
        {
            var job = await reopened.GetAsync(id, CancellationToken.None);
            job!.State.Should().Be(JobState.Interrupted);
            job.Checkpoint.Should().Be($"at {id}", "recovery keeps the checkpoint to resume from");
            job.FinishedAt.Should().NotBeNull();
        }

        (await reopened.GetAsync("done", CancellationToken.None))!.State.Should().Be(JobState.Completed);
    }

    [Fact]
    public async Task Commit_ThatFailsAfterItsFirstRecord_WritesNothing_AndKeepsTheOldCheckpoint()
    {
        using var database = _file.Open();
        var repository = new SqliteExplanationRepository(database);
        await repository.CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-a")], "job-1", "after puzzle-a"));

        // The null record throws once puzzle-b's row has been written inside the transaction.
        var commit = async () => await repository.CommitAsync(new ExplanationCommit([SampleRecords.Record("puzzle-b"), null!], "job-1", "after puzzle-c"));

        await commit.Should().ThrowAsync<ArgumentNullException>();
        (await repository.HasAsync("puzzle-b", "model-x-attempt1")).Should().BeFalse("the transaction was rolled back");
        (await repository.GetCheckpointAsync("job-1")).Should().Be("after puzzle-a");
    }

    private static object? ScalarOf(SqliteDatabase database, string sql)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
