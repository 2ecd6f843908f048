using Npgsql;
using NpgsqlTypes;

namespace Ingestion.Storage.PostgreSql;

/// <summary>
/// The schema, as numbered migrations recorded in <c>schema_version</c>. They run in one transaction that first takes
/// a transaction-level advisory lock (<see cref="LockKey"/>) and only then reads the version: a second host starting
/// at the same time waits on the lock, then sees the first one's version and applies nothing. DDL is transactional in
/// PostgreSQL, so a migration that fails leaves the database as it was.
/// </summary>
internal static class PostgreSqlMigrations
{
    /// <summary>
    /// The advisory lock that serializes migrations: a fixed key, the ASCII of "Ingestio". Advisory locks are per
    /// database, so it only has to be unique among the applications sharing this one.
    /// </summary>
    internal const long LockKey = 0x496E_6765_7374_696F;

    /// <summary>The migrations, in order; the version of each is its position from 1. Append only; never edit one that shipped.</summary>
    /// <remarks>
    /// Times are kept twice: <c>timestamptz</c> for people and SQL (PostgreSQL keeps microseconds) and UTC ticks
    /// (<c>bigint</c>, 100 ns), which the store reads back, so that a time comes back to the tick and the history
    /// orders exactly. Ids sort bytewise (<c>COLLATE "C"</c>), as the other stores order them, whatever the database's
    /// locale.
    /// </remarks>
    internal static readonly IReadOnlyList<string> All =
    [
        """
        CREATE TABLE jobs (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            kind text NOT NULL,
            name text NULL,
            state integer NOT NULL,
            parameters jsonb NOT NULL,
            progress jsonb NOT NULL,
            created_at timestamptz NOT NULL,
            created_ticks bigint NOT NULL,
            started_at timestamptz NULL,
            started_ticks bigint NULL,
            finished_at timestamptz NULL,
            finished_ticks bigint NULL,
            cancellation_requested boolean NOT NULL DEFAULT false,
            error jsonb NULL,
            checkpoint text NULL,
            results jsonb NOT NULL,
            run_count integer NOT NULL DEFAULT 0,
            last_seq bigint NOT NULL DEFAULT 0,
            dry_run boolean NOT NULL DEFAULT false
        );
        CREATE INDEX ix_jobs_created ON jobs (created_ticks DESC, id DESC);
        CREATE INDEX ix_jobs_state ON jobs (state, created_ticks DESC, id DESC);
        CREATE INDEX ix_jobs_kind ON jobs (kind, created_ticks DESC, id DESC);

        CREATE TABLE explanations (
            puzzle_id text NOT NULL,
            model_name text NOT NULL,
            model_folder text NOT NULL,
            attempt_number integer NOT NULL,
            dataset text NOT NULL,
            source text NOT NULL,
            test_pairs integer NOT NULL,
            predictions jsonb NOT NULL,
            correct_predictions integer NOT NULL,
            is_correct boolean NOT NULL,
            accuracy double precision NOT NULL,
            model text NULL,
            provider text NULL,
            prompt_tokens bigint NOT NULL DEFAULT 0,
            completion_tokens bigint NOT NULL DEFAULT 0,
            reasoning_tokens bigint NOT NULL DEFAULT 0,
            total_tokens bigint NOT NULL DEFAULT 0,
            cost double precision NOT NULL DEFAULT 0,
            duration_ticks bigint NOT NULL DEFAULT 0,
            job_id text NULL,
            ingested_at timestamptz NOT NULL,
            ingested_ticks bigint NOT NULL,
            PRIMARY KEY (puzzle_id, model_name)
        );
        CREATE INDEX ix_explanations_model_name ON explanations (model_name);

        CREATE TABLE checkpoints (
            job_id text NOT NULL PRIMARY KEY,
            checkpoint text NOT NULL
        );
        """,
    ];

    /// <summary>Applies every migration the database does not have yet (start-up only, so synchronous).</summary>
    /// <param name="dataSource">The database.</param>
    public static void Apply(NpgsqlDataSource dataSource)
    {
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using (var command = connection.CreateCommand())
        {
            // Held until the transaction ends; taken before the version is read (and before schema_version may be
            // created: two CREATE TABLE IF NOT EXISTS at once can still collide), so only one host migrates at a time.
            command.CommandText = "SELECT pg_advisory_xact_lock(@key);";
            command.Parameters.Add(new NpgsqlParameter<long>("key", NpgsqlDbType.Bigint) { TypedValue = LockKey });
            command.ExecuteNonQuery();
        }

        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());");
        int current;
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
            current = (int)read.ExecuteScalar()!;
        }

        for (var version = current + 1; version <= All.Count; version++)
        {
            Execute(connection, All[version - 1]);
            using var record = connection.CreateCommand();
            record.CommandText = "INSERT INTO schema_version (version) VALUES (@version);";
            record.Parameters.Add(new NpgsqlParameter<int>("version", NpgsqlDbType.Integer) { TypedValue = version });
            record.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
