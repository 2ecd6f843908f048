using Npgsql;

namespace Ingestion.Storage.PostgreSql.Tests;

/// <summary>An empty database made for one test, dropped (with any connection still open to it) on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly PostgreSqlFixture _fixture;

    internal TestDatabase(PostgreSqlFixture fixture, string name, string connectionString)
    {
        _fixture = fixture;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>Gets the connection string, with <see cref="PostgreSqlFixture.Password"/> in it.</summary>
    public string ConnectionString { get; }

    /// <summary>Opens the store's database object on it (migrating it), with a pool of its own.</summary>
    internal PostgreSqlDatabase Open() => new(ConnectionString);

    /// <summary>Reads one value, on a connection of its own.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync() => await _fixture.ExecuteAsAdminAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);");
}
