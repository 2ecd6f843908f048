using System.Net.Sockets;
using Npgsql;

namespace Ingestion.Storage.PostgreSql;

/// <summary>
/// One PostgreSQL database shared by the job store and the explanation repository: an <see cref="NpgsqlDataSource"/>
/// (its connection pool), the schema migrations, and how an operation gets a connection and survives a server restart.
/// </summary>
/// <remarks>
/// Npgsql's pool keeps idle connections that died with the server (stopped, restarted, failed over), and hands them
/// out again; the first command on one then fails. <see cref="RunAsync"/> recognizes that failure, clears the pool and
/// runs the operation once more on a fresh connection, so that the first operation after the server is back succeeds.
/// While the server is down the fresh connection fails too (at once when refused, else after the connection string's
/// <c>Timeout</c>, 15 s by default), and that exception, Npgsql's, is what the caller gets. Every operation of the two
/// stores may run twice: reads trivially; writes because each is an upsert or a delete of one key, which end in the same
/// state when replayed (see <see cref="PostgreSqlExplanationRepository.CommitAsync"/> for a failure during the commit).
/// </remarks>
internal sealed class PostgreSqlDatabase : IDisposable, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    /// <summary>Connects to the database in a connection string and brings its schema up to date.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    public PostgreSqlDatabase(string connectionString)
        : this(NpgsqlDataSource.Create(connectionString), ownsDataSource: true)
    {
    }

    /// <summary>Uses a data source and brings the schema of its database up to date.</summary>
    /// <param name="dataSource">The data source.</param>
    /// <param name="ownsDataSource">Whether disposing this disposes the data source (not when the host lent it).</param>
    public PostgreSqlDatabase(NpgsqlDataSource dataSource, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        try
        {
            PostgreSqlMigrations.Apply(dataSource);
        }
        catch
        {
            if (ownsDataSource)
            {
                dataSource.Dispose();
            }

            throw;
        }
    }

    /// <summary>Gets the data source.</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>
    /// Runs an operation on a pooled connection; when that connection turns out to be dead (the server went away since
    /// it was pooled), clears the pool and runs the operation once more on a fresh one.
    /// </summary>
    /// <typeparam name="T">The operation's result.</typeparam>
    /// <param name="operation">The operation; it must be safe to run twice (see the remarks on the class).</param>
    /// <param name="cancellationToken">Cancels the operation; a cancelled operation is not run again.</param>
    /// <returns>The operation's result.</returns>
    public async ValueTask<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        for (var attempt = 1; ; attempt++)
        {
            NpgsqlConnection connection;
            try
            {
                connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (IsConnectionLost(e))
            {
                // A new physical connection failed: the server is down or unreachable, so the idle ones are dead too.
                // Dropping them now means the first operation once it is back does not have to find that out.
                _dataSource.Clear();
                throw;
            }

            await using (connection.ConfigureAwait(false))
            {
                try
                {
                    return await operation(connection, cancellationToken).ConfigureAwait(false);
                }
                catch (NpgsqlException e) when (attempt == 1 && IsConnectionLost(e) && !cancellationToken.IsCancellationRequested)
                {
                    // Every idle connection was opened before the server went away as this one was: drop them all, so
                    // that the second attempt opens a fresh one instead of drawing the next dead one from the pool.
                    _dataSource.Clear();
                }
            }
        }
    }

    /// <summary>Runs one statement (see <see cref="RunAsync"/>) and returns the number of rows it changed.</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="bind">Adds its parameters.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <returns>The number of rows changed.</returns>
    public ValueTask<int> ExecuteAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
        => RunCommandAsync(sql, bind, static (command, ct) => command.ExecuteNonQueryAsync(ct), cancellationToken);

    /// <summary>Runs one query (see <see cref="RunAsync"/>) and returns the first column of its first row.</summary>
    /// <param name="sql">The query.</param>
    /// <param name="bind">Adds its parameters.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <returns>The value, or <see langword="null"/> when there is no row.</returns>
    public ValueTask<object?> ScalarAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
        => RunCommandAsync(sql, bind, static (command, ct) => command.ExecuteScalarAsync(ct), cancellationToken);

    /// <summary>Runs one query (see <see cref="RunAsync"/>) and reads its rows.</summary>
    /// <typeparam name="T">What the rows are read into.</typeparam>
    /// <param name="sql">The query.</param>
    /// <param name="bind">Adds its parameters.</param>
    /// <param name="read">Reads the rows; it may run twice, so it starts from nothing each time.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <returns>What <paramref name="read"/> returned.</returns>
    public ValueTask<T> QueryAsync<T>(string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        => RunCommandAsync(
            sql,
            bind,
            async (command, ct) =>
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await read(reader, ct).ConfigureAwait(false);
                }
            },
            cancellationToken);

    /// <summary>Disposes the data source (closing its pool) if this owns it.</summary>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    /// <summary>Disposes the data source (closing its pool) if this owns it.</summary>
    /// <returns>A task that completes when the pool is closed.</returns>
    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    private ValueTask<T> RunCommandAsync<T>(string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlCommand, CancellationToken, Task<T>> execute, CancellationToken cancellationToken)
        => RunAsync(
            async (connection, ct) =>
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.CommandText = sql;
                    bind(command.Parameters);
                    return await execute(command, ct).ConfigureAwait(false);
                }
            },
            cancellationToken);

    /// <summary>
    /// Whether an exception says that the connection is gone (rather than that the SQL failed): the server shut down
    /// or crashed under it (57P01, 57P02), is not accepting connections yet (57P03), a connection exception (class
    /// 08), or the socket broke. A timeout is not one: retrying it would double a wait that was already long.
    /// </summary>
    internal static bool IsConnectionLost(NpgsqlException exception) => exception switch
    {
        PostgresException e => e.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            || e.SqlState.StartsWith("08", StringComparison.Ordinal),
        _ => exception.InnerException is IOException or SocketException,
    };
}
