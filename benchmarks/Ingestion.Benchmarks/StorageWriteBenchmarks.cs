using BenchmarkDotNet.Attributes;
using Ingestion.Core;
using Ingestion.HuggingFace;
using Ingestion.Storage.PostgreSql;
using Ingestion.Storage.Sqlite;
using Ingestion.TestUtilities;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ingestion.Benchmarks;

/// <summary>
/// Records written per second by each durable store as the HuggingFace job writes them — one transaction per puzzle
/// holding its records and the job's checkpoint (<see cref="IExplanationRepository.CommitAsync"/>) — against the
/// baseline of a bare batched insert of the same rows into the same table: one transaction, the store's own column
/// binding, no checkpoint. The rows are real: the records of <see cref="Puzzles"/> generated puzzles as the job
/// evaluates them. Each iteration starts from an empty table. PostgreSQL is a server the benchmark starts itself
/// (initdb and pg_ctl from the machine's binaries, on loopback, fsync off like the tests' server: the figures are
/// the store's and the protocol's costs, not the disk's).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1)]
public class StorageWriteBenchmarks
{
    /// <summary>Puzzles per iteration.</summary>
    public const int Puzzles = 500;

    private const string JobId = "benchmark-job";
    private string _root = null!;
    private List<IReadOnlyList<ExplanationRecord>> _puzzles = null!;
    private List<string> _checkpoints = null!;
    private PostgreSqlServer? _server;
    private SqliteDatabase? _sqlite;
    private PostgreSqlDatabase? _postgres;
    private IExplanationRepository _repository = null!;

    /// <summary>Gets or sets the store: <c>sqlite</c> or <c>postgresql</c>.</summary>
    [Params("sqlite", "postgresql")]
    public string Store { get; set; } = "sqlite";

    /// <summary>Gets the number of rows each iteration writes.</summary>
    public int Rows => _puzzles.Sum(static p => p.Count);

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _sqlite?.Dispose();
        SqliteConnection.ClearAllPools();
        _postgres?.Dispose();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_root, recursive: true);
    }

    [IterationSetup]
    public void Empty()
    {
        const string Sql = "DELETE FROM explanations; DELETE FROM checkpoints;";
        if (_sqlite is not null)
        {
            using var connection = _sqlite.Open();
            using var command = connection.CreateCommand();
            command.CommandText = Sql;
            command.ExecuteNonQuery();
        }
        else
        {
            using var command = _postgres!.DataSource.CreateCommand(Sql);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The baseline: every row in one transaction, nothing else.</summary>
    [Benchmark(Baseline = true)]
    public async Task BareBatchedInsert()
    {
        if (_sqlite is not null)
        {
            await using var connection = await _sqlite.OpenAsync(CancellationToken.None);
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = SqliteExplanationRepository.InsertSql;
            foreach (var record in _puzzles.SelectMany(static p => p))
            {
                SqliteExplanationRepository.Bind(insert, record);
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
        else
        {
            await using var connection = await _postgres!.DataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var record in _puzzles.SelectMany(static p => p))
            {
                batch.BatchCommands.Add(PostgreSqlExplanationRepository.Upsert(record, PostgreSqlExplanationRepository.InsertSql));
            }

            await batch.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }
    }

    /// <summary>What the job does: one commit per puzzle, its records and the checkpoint together.</summary>
    [Benchmark]
    public async Task PerPuzzleCommits()
    {
        for (var i = 0; i < _puzzles.Count; i++)
        {
            await _repository.CommitAsync(new ExplanationCommit(_puzzles[i], JobId, _checkpoints[i]));
        }
    }

    private async Task SetupAsync()
    {
        _root = Directory.CreateTempSubdirectory("ingestion-storage-bench-").FullName;
        await CollectRecordsAsync();
        if (Store == "sqlite")
        {
            _sqlite = new SqliteDatabase(Path.Combine(_root, "bench.db"));
            _repository = new SqliteExplanationRepository(_sqlite);
        }
        else
        {
            _server = await PostgreSqlServer.StartAsync();
            _postgres = new PostgreSqlDatabase(_server.ConnectionString);
            _repository = new PostgreSqlExplanationRepository(_postgres);
        }

        Console.WriteLine($"// {Store}: {_puzzles.Count} puzzles, {Rows} rows per iteration");
    }

    /// <summary>Runs the job once over generated data into memory, and keeps its records by puzzle, in order.</summary>
    private async Task CollectRecordsAsync()
    {
        var generated = await ArcDatasetGenerator.WriteAsync(
            new ArcDatasetGeneratorOptions { PuzzleCount = Puzzles, Seed = 42 }, Path.Combine(_root, "puzzles"), Path.Combine(_root, "dataset"));
        var memory = new InMemoryExplanationRepository();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IExplanationRepository>(memory);
        services.AddIngestion().AddHuggingFaceIngestion(o =>
        {
            o.Tasks.Add("Generated", generated.PuzzlesDirectory!);
            o.LocalDatasetRoots.Add(_root);
        });
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<IJobManager>();
        var job = await manager.StartAsync(HuggingFaceIngestionJob.Kind, new HuggingFaceIngestionParameters
        {
            LocalPath = generated.DatasetDirectory,
            Dataset = "generated/arc-synthetic",
            ModelFolder = "synthetic-large-thinking-high",
            Source = "Generated",
        });
        var final = await manager.WaitForCompletionAsync(job.Id);
        if (final.State != JobState.Completed)
        {
            throw new InvalidOperationException($"The job that makes the rows ended {final.State}: {final.Error?.Message}");
        }

        _puzzles = [.. memory.GetAll().GroupBy(static r => r.PuzzleId, StringComparer.Ordinal).Select(static g => (IReadOnlyList<ExplanationRecord>)g.ToArray())];
        var checkpoint = await memory.GetCheckpointAsync(job.Id) ?? throw new InvalidOperationException("The job left no checkpoint.");
        _checkpoints = [.. _puzzles.Select(_ => checkpoint)];
    }
}
