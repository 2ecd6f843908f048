using Microsoft.Data.Sqlite;

namespace Ingestion.Storage.Sqlite.Tests;

public sealed class SqliteCrashResumeTests : CrashResumeTests
{
    protected override string Store => "sqlite";

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(Path.Combine(Root, $"ingestion-{Guid.NewGuid():N}.db"));

    protected override async Task<IReadOnlyList<string>> ReadExplanationsAsync(string database)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        return await ReadExplanationsAsync(connection);
    }
}
