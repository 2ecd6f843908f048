using Npgsql;

namespace Ingestion.Storage.PostgreSql.Tests;

/// <summary>
/// One PostgreSQL server for the test run (initdb and start once: seconds), and a fresh database for each test that
/// asks (<c>CREATE DATABASE</c>: tens of milliseconds), so that tests stay independent. A server that cannot start
/// fails every test of the collection, loudly; only <c>INGESTION_SKIP_POSTGRES_TESTS=1</c> leaves it unstarted.
/// </summary>
public sealed class PostgreSqlFixture : IAsyncLifetime
{
    /// <summary>The password every test connection string carries (the server trusts loopback, so it is never checked).</summary>
    public const string Password = "pg-test-secret-9f3b7c";

    private PostgreSqlServer? _server;

    /// <summary>Gets the server.</summary>
    public PostgreSqlServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL server was not started: INGESTION_SKIP_POSTGRES_TESTS=1 is set, yet a test that needs it ran.");

    public async Task InitializeAsync()
    {
        if (!PostgreSqlServer.SkipRequested)
        {
            _server = await PostgreSqlServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Creates an empty database for one test.</summary>
    /// <returns>The database, dropped when disposed.</returns>
    public async Task<TestDatabase> CreateDatabaseAsync()
    {
        var name = "test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsAdminAsync($"CREATE DATABASE {name};");
        var connectionString = new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Database = name, Password = Password }.ConnectionString;
        return new TestDatabase(this, name, connectionString);
    }

    /// <summary>Runs a statement on the server's own database, on a connection of its own (no pool outlives a restart).</summary>
    internal async Task ExecuteAsAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
