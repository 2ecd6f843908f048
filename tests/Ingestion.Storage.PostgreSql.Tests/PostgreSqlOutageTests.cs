using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ingestion.Storage.PostgreSql.Tests;

/// <summary>The database going away mid-run on PostgreSQL: the server is stopped while the job writes, then started again.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlOutageTests(PostgreSqlFixture postgres) : StoreOutageTests
{
    private readonly TestDatabases _databases = new(postgres);

    public override async Task DisposeAsync()
    {
        await _databases.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override Task<string> CreateDatabaseAsync() => _databases.CreateAsync();

    protected override void UseStore(IIngestionBuilder builder, string database) => builder.UsePostgreSqlStore(database);

    protected override Task BreakAsync(string database) => postgres.Server.StopAsync();

    protected override Task RestoreAsync(string database) => postgres.Server.StartAgainAsync();

    protected override async Task<DbConnection> OpenAsync(string database)
    {
        var connection = new NpgsqlConnection(database + ";Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    protected override void CheckError(JobError stoppedWith)
        => (stoppedWith.Message + stoppedWith.Details).Should().NotContain(PostgreSqlFixture.Password, "the connection string's password is never in an error");
}
