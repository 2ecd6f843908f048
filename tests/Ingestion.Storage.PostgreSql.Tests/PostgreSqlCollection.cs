namespace Ingestion.Storage.PostgreSql.Tests;

/// <summary>
/// The tests that share the one server. They run one at a time: some stop and restart the server under the others.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlFixture>
{
    public const string Name = "PostgreSQL";
}
