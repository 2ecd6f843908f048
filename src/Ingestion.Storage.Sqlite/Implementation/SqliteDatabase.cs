using Microsoft.Data.Sqlite;

namespace Ingestion.Storage.Sqlite;

/// <summary>
/// One SQLite file shared by the job store and the explanation repository: the connection string, WAL mode and the
/// schema migrations. Each operation opens its own connection; Microsoft.Data.Sqlite pools them, so that is cheap.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    /// <summary>How long a connection waits for another writer's lock before failing, in milliseconds.</summary>
    internal const int BusyTimeoutMilliseconds = 30_000;

    /// <summary>
    /// Set on every connection: wait up to the busy timeout for another writer's lock; and fsync every commit
    /// (<c>FULL</c>, SQLite's default, set so that it does not depend on how SQLite was built): a committed puzzle
    /// survives a power cut, not only a crash.
    /// </summary>
    private static readonly string ConnectionPragmas = string.Create(
        System.Globalization.CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = FULL;");

    private readonly string _connectionString;

    /// <summary>Opens (creating if needed) the file and brings its schema up to date.</summary>
    /// <param name="path">The database file.</param>
    public SqliteDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);

        // SQLite creates the file, not its folder, and says only "unable to open database file". (The path is not in
        // the message: this package never writes it to a log.)
        if (System.IO.Path.GetDirectoryName(Path) is { } folder && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException("The SQLite store's folder does not exist: create it, or give UseSqliteStore a file in a folder that does.");
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
        SqliteMigrations.Apply(this);
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Opens a connection with the busy timeout set.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The open connection.</returns>
    public async ValueTask<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var pragma = connection.CreateCommand();
            await using (pragma.ConfigureAwait(false))
            {
                // Per connection, not per file: a pooled connection keeps it, a new one needs it.
                pragma.CommandText = ConnectionPragmas;
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens a connection synchronously (start-up only).</summary>
    /// <returns>The open connection.</returns>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = ConnectionPragmas;
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Closes the pooled connections of this file, so that it can be moved or deleted.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
