namespace Ingestion.Storage.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlJobStoreContractTests(PostgreSqlFixture postgres) : JobStoreContractTests
{
    private TestDatabase? _testDatabase;
    private PostgreSqlDatabase? _database;

    protected override async Task<IJobStore> CreateStoreAsync()
    {
        _testDatabase = await postgres.CreateDatabaseAsync();
        _database = _testDatabase.Open();
        return new PostgreSqlJobStore(_database);
    }

    protected override async Task DisposeSubjectAsync(IJobStore subject)
    {
        await _database!.DisposeAsync();
        await _testDatabase!.DisposeAsync();
    }
}
