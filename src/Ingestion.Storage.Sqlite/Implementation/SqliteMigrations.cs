using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Ingestion.Storage.Sqlite;

/// <summary>
/// The schema, as numbered migrations recorded in <c>schema_version</c>. Each migration runs once per file, inside a
/// <c>BEGIN IMMEDIATE</c> transaction that also reads the current version: a second process starting at the same time
/// waits for the first one's write lock, then sees its version and applies nothing.
/// </summary>
internal static class SqliteMigrations
{
    /// <summary>The migrations, in order; the version of each is its position from 1. Append only; never edit one that shipped.</summary>
    internal static readonly IReadOnlyList<string> All =
    [
        """
        CREATE TABLE jobs (
            id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT NULL,
            state INTEGER NOT NULL,
            parameters TEXT NOT NULL,
            progress TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_ticks INTEGER NOT NULL,
            started_at TEXT NULL,
            finished_at TEXT NULL,
            cancellation_requested INTEGER NOT NULL DEFAULT 0,
            error TEXT NULL,
            checkpoint TEXT NULL,
            results TEXT NOT NULL,
            run_count INTEGER NOT NULL DEFAULT 0,
            last_seq INTEGER NOT NULL DEFAULT 0,
            dry_run INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX ix_jobs_created ON jobs (created_ticks DESC, id DESC);
        CREATE INDEX ix_jobs_state ON jobs (state, created_ticks DESC);
        CREATE INDEX ix_jobs_kind ON jobs (kind, created_ticks DESC);

        CREATE TABLE explanations (
            puzzle_id TEXT NOT NULL,
            model_name TEXT NOT NULL,
            model_folder TEXT NOT NULL,
            attempt_number INTEGER NOT NULL,
            dataset TEXT NOT NULL,
            source TEXT NOT NULL,
            test_pairs INTEGER NOT NULL,
            predictions TEXT NOT NULL,
            correct_predictions INTEGER NOT NULL,
            is_correct INTEGER NOT NULL,
            accuracy REAL NOT NULL,
            model TEXT NULL,
            provider TEXT NULL,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            reasoning_tokens INTEGER NOT NULL DEFAULT 0,
            total_tokens INTEGER NOT NULL DEFAULT 0,
            cost REAL NOT NULL DEFAULT 0,
            duration_ticks INTEGER NOT NULL DEFAULT 0,
            job_id TEXT NULL,
            ingested_at TEXT NOT NULL,
            PRIMARY KEY (puzzle_id, model_name)
        );
        CREATE INDEX ix_explanations_model_name ON explanations (model_name);

        CREATE TABLE checkpoints (
            job_id TEXT NOT NULL PRIMARY KEY,
            checkpoint TEXT NOT NULL
        );
        """,
    ];

    /// <summary>Sets WAL mode and applies every migration the file does not have yet.</summary>
    /// <param name="database">The database.</param>
    public static void Apply(SqliteDatabase database)
    {
        using var connection = database.Open();
        using (var wal = connection.CreateCommand())
        {
            // Persistent in the file; cannot run inside a transaction.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }

        // Microsoft.Data.Sqlite begins a non-deferred transaction with BEGIN IMMEDIATE: the write lock is taken before
        // the version is read, so two processes cannot both decide to apply the same migration.
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL);");
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        var current = Convert.ToInt32(read.ExecuteScalar(), CultureInfo.InvariantCulture);
        for (var version = current + 1; version <= All.Count; version++)
        {
            Execute(connection, transaction, All[version - 1]);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES ($version, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));";
            record.Parameters.AddWithValue("$version", version);
            record.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
