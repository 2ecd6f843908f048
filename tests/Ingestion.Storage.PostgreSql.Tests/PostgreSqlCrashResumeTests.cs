using Npgsql;

namespace Ingestion.Storage.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlCrashResumeTests(PostgreSqlFixture postgres) : CrashResumeTests
{
    private readonly TestDatabases _databases = new(postgres);

    protected override string Store => "postgresql";

    public override async Task DisposeAsync()
    {
        await _databases.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override Task<string> CreateDatabaseAsync() => _databases.CreateAsync();

    protected override async Task<IReadOnlyList<string>> ReadExplanationsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database + ";Pooling=false");
        await connection.OpenAsync();
        return await ReadExplanationsAsync(connection);
    }
}
