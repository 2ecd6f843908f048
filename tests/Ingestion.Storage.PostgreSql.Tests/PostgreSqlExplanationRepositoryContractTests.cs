namespace Ingestion.Storage.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlExplanationRepositoryContractTests(PostgreSqlFixture postgres) : ExplanationRepositoryContractTests
{
    private TestDatabase? _testDatabase;
    private PostgreSqlDatabase? _database;

    protected override async Task<IExplanationRepository> CreateRepositoryAsync()
    {
        _testDatabase = await postgres.CreateDatabaseAsync();
        _database = _testDatabase.Open();
        return new PostgreSqlExplanationRepository(_database);
    }

    protected override async Task DisposeSubjectAsync(IExplanationRepository subject)
    {
        await _database!.DisposeAsync();
        await _testDatabase!.DisposeAsync();
    }
}
