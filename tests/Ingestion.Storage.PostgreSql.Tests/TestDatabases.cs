namespace Ingestion.Storage.PostgreSql.Tests;

/// <summary>The databases one test made on the shared server, dropped together when it ends.</summary>
internal sealed class TestDatabases(PostgreSqlFixture postgres) : IAsyncDisposable
{
    private readonly List<TestDatabase> _databases = [];

    /// <summary>Makes an empty database and answers its connection string.</summary>
    public async Task<string> CreateAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        _databases.Add(database);
        return database.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}
