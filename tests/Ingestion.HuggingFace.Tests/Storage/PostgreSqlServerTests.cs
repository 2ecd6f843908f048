using Npgsql;
using Xunit.Abstractions;

namespace Ingestion.HuggingFace.Tests.Storage;

/// <summary>The test utility the PostgreSQL store tests stand on: a real server of the machine's, stopped and started again.</summary>
public class PostgreSqlServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AServer_AcceptsSql_GoesAwayWhenStopped_KeepsItsDataAcrossARestart_AndIsDeletedAtTheEnd()
    {
        if (PostgreSqlServer.SkipRequested)
        {
            // Asked for explicitly; CI never sets it. Written to the test output, so the run shows it.
            output.WriteLine("SKIPPED: INGESTION_SKIP_POSTGRES_TESTS=1, so the PostgreSQL server utility was not tested.");
            return;
        }

        var server = await PostgreSqlServer.StartAsync();
        string dataDirectory;
        try
        {
            dataDirectory = server.DataDirectory;
            Directory.Exists(dataDirectory).Should().BeTrue();
            server.ConnectionString.Should().Contain($"Port={server.Port}").And.Contain($"Database={server.Database}");

            // No pooling: a pooled connection would outlive the stop and hide what this test looks at.
            var connectionString = server.ConnectionString + ";Pooling=false";
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                (await ScalarAsync(connection, "SELECT 1")).Should().Be(1);
                (await ScalarAsync(connection, "SELECT current_database()")).Should().Be(server.Database);
                await ExecuteAsync(connection, "CREATE TABLE kept (id integer PRIMARY KEY, name text NOT NULL)");
                await ExecuteAsync(connection, "INSERT INTO kept VALUES (1, 'one'), (2, 'two')");
            }

            await server.StopAsync();
            var whileStopped = async () =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
            };
            await whileStopped.Should().ThrowAsync<NpgsqlException>();

            await server.StartAgainAsync();
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                (await ScalarAsync(connection, "SELECT count(*)::int FROM kept")).Should().Be(2);
                (await ScalarAsync(connection, "SELECT name FROM kept WHERE id = 2")).Should().Be("two");
            }
        }
        finally
        {
            await server.DisposeAsync();
        }

        Directory.Exists(dataDirectory).Should().BeFalse();
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
