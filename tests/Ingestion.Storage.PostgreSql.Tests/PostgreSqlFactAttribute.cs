namespace Ingestion.Storage.PostgreSql.Tests;

/// <summary>A test that needs the PostgreSQL server: skipped, visibly, when <c>INGESTION_SKIP_POSTGRES_TESTS=1</c> asks for it.</summary>
public sealed class PostgreSqlFactAttribute : FactAttribute
{
    public PostgreSqlFactAttribute()
    {
        if (PostgreSqlServer.SkipRequested)
        {
            Skip = "INGESTION_SKIP_POSTGRES_TESTS=1: the PostgreSQL store was not tested.";
        }
    }
}
