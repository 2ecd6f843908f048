using Npgsql;

namespace Ingestion.Storage.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlCrashResumeTests(PostgreSqlFixture postgres) : CrashResumeTests
{
    private readonly List<TestDatabase> _databases = [];

    protected override string Store => "postgresql";

    public override async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override async Task<string> CreateDatabaseAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        _databases.Add(database);
        return database.ConnectionString;
    }

    protected override async Task<IReadOnlyList<string>> ReadExplanationsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database + ";Pooling=false");
        await connection.OpenAsync();
        return await ReadExplanationsAsync(connection);
    }
}
