using Ingestion.Storage.Sqlite;

namespace Ingestion.Storage.Sqlite.Tests;

public sealed class SqliteJobStoreContractTests : JobStoreContractTests, IDisposable
{
    private readonly TempDatabaseFile _file = new();
    private SqliteDatabase? _database;

    public void Dispose()
    {
        _database?.Dispose();
        _file.Dispose();
    }

    protected override Task<IJobStore> CreateStoreAsync()
    {
        _database = _file.Open();
        return Task.FromResult<IJobStore>(new SqliteJobStore(_database));
    }
}
