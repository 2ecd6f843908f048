using Ingestion.Storage.Sqlite;

namespace Ingestion.Storage.Sqlite.Tests;

public sealed class SqliteExplanationRepositoryContractTests : ExplanationRepositoryContractTests, IDisposable
{
    private readonly TempDatabaseFile _file = new();
    private SqliteDatabase? _database;

    public void Dispose()
    {
        _database?.Dispose();
        _file.Dispose();
    }

    protected override Task<IExplanationRepository> CreateRepositoryAsync()
    {
        _database = _file.Open();
        return Task.FromResult<IExplanationRepository>(new SqliteExplanationRepository(_database));
    }
}
