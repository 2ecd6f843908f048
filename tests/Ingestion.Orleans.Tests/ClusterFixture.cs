using Ingestion.HuggingFace;
using Npgsql;

namespace Ingestion.Orleans.Tests;

/// <summary>
/// What the cluster tests share: a real PostgreSQL and a real redis-server (append-only file on: a Redis that came back
/// empty would let a new silo form a second cluster) that the tests start, and a generated dataset. Each test makes its
/// own database and cluster id.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string ModelFolder = "synthetic-medium";
    public const int Puzzles = 60;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ingestion-cluster-");

    public PostgreSqlServer PostgreSql { get; private set; } = null!;

    public RedisServer Redis { get; private set; } = null!;

    public GeneratedDataset Dataset { get; private set; } = null!;

    public string DatasetFolder => Path.Combine(_root.FullName, "dataset");

    public string PuzzlesFolder => Path.Combine(_root.FullName, "puzzles");

    public async Task InitializeAsync()
    {
        var postgreSql = PostgreSqlServer.StartAsync();
        var redis = RedisServer.StartAsync(Path.Combine(_root.FullName, "redis"));
        Dataset = await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions { PuzzleCount = Puzzles, Seed = 1010 }, PuzzlesFolder, DatasetFolder);
        PostgreSql = await postgreSql;
        Redis = await redis;
    }

    public object Parameters(int delayMs) => new
    {
        localPath = DatasetFolder,
        dataset = "generated/arc-synthetic",
        modelFolder = ModelFolder,
        source = "Generated",
        concurrency = 1,
        delayMs,
    };

    /// <summary>Makes an empty database and answers its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "cluster_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(PostgreSql.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(PostgreSql.ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Starts silos of one new cluster on <paramref name="database"/>, side by side.</summary>
    public async Task<SiloProcess[]> StartClusterAsync(string database, params string[] names)
    {
        var cluster = "c" + Guid.NewGuid().ToString("N")[..10];
        return await Task.WhenAll(names.Select(name => SiloProcess.StartAsync(name, cluster, Redis.Endpoint, database, DatasetFolder, PuzzlesFolder)));
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await PostgreSql.DisposeAsync();
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
