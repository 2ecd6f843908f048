using Ingestion.HuggingFace;
using Microsoft.Data.Sqlite;

namespace Ingestion.Storage.Sqlite;

/// <summary>
/// An <see cref="IExplanationRepository"/> on a SQLite file: records in <c>explanations</c> (unique on puzzle id and
/// model name), checkpoints in <c>checkpoints</c>; a commit writes both in one transaction.
/// </summary>
internal sealed class SqliteExplanationRepository : IExplanationRepository
{
    private const string Columns = "puzzle_id, model_name, model_folder, attempt_number, dataset, source, test_pairs, predictions, model, provider, prompt_tokens, completion_tokens, reasoning_tokens, total_tokens, cost, duration_ticks, job_id, ingested_at";

    private const string UpsertSql = """
        INSERT INTO explanations (puzzle_id, model_name, model_folder, attempt_number, dataset, source, test_pairs, predictions,
                                  correct_predictions, is_correct, accuracy, model, provider, prompt_tokens, completion_tokens,
                                  reasoning_tokens, total_tokens, cost, duration_ticks, job_id, ingested_at)
        VALUES ($puzzleId, $modelName, $modelFolder, $attemptNumber, $dataset, $source, $testPairs, $predictions,
                $correctPredictions, $isCorrect, $accuracy, $model, $provider, $promptTokens, $completionTokens,
                $reasoningTokens, $totalTokens, $cost, $durationTicks, $jobId, $ingestedAt)
        ON CONFLICT (puzzle_id, model_name) DO UPDATE SET
            model_folder = excluded.model_folder, attempt_number = excluded.attempt_number, dataset = excluded.dataset,
            source = excluded.source, test_pairs = excluded.test_pairs, predictions = excluded.predictions,
            correct_predictions = excluded.correct_predictions, is_correct = excluded.is_correct, accuracy = excluded.accuracy,
            model = excluded.model, provider = excluded.provider, prompt_tokens = excluded.prompt_tokens,
            completion_tokens = excluded.completion_tokens, reasoning_tokens = excluded.reasoning_tokens,
            total_tokens = excluded.total_tokens, cost = excluded.cost, duration_ticks = excluded.duration_ticks,
            job_id = excluded.job_id, ingested_at = excluded.ingested_at;
        """;

    private readonly SqliteDatabase _database;

    public SqliteExplanationRepository(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public async ValueTask<IReadOnlySet<string>> GetModelNamesAsync(string puzzleId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(puzzleId);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = Command(connection, "SELECT model_name FROM explanations WHERE puzzle_id = $puzzleId;");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$puzzleId", puzzleId);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        names.Add(reader.GetString(0));
                    }
                }
            }
        }

        return names;
    }

    public async ValueTask<ExplanationRecord?> GetAsync(string puzzleId, string modelName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(puzzleId);
        ArgumentNullException.ThrowIfNull(modelName);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = Command(connection, $"SELECT {Columns} FROM explanations WHERE puzzle_id = $puzzleId AND model_name = $modelName;");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$puzzleId", puzzleId);
                command.Parameters.AddWithValue("$modelName", modelName);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
                }
            }
        }
    }

    public async ValueTask<bool> DeleteAsync(string puzzleId, string modelName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(puzzleId);
        ArgumentNullException.ThrowIfNull(modelName);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = Command(connection, "DELETE FROM explanations WHERE puzzle_id = $puzzleId AND model_name = $modelName;");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$puzzleId", puzzleId);
                command.Parameters.AddWithValue("$modelName", modelName);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
            }
        }
    }

    public async ValueTask CommitAsync(ExplanationCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(commit.Records);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // BEGIN IMMEDIATE: the write lock is taken (or waited for, up to the busy timeout) before anything is written,
            // so a commit never fails half-way on a lock upgrade; the records and the checkpoint land together or not at all.
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                if (commit.Records.Count > 0)
                {
                    var upsert = Command(connection, UpsertSql);
                    await using (upsert.ConfigureAwait(false))
                    {
                        upsert.Transaction = transaction;
                        foreach (var record in commit.Records)
                        {
                            ArgumentNullException.ThrowIfNull(record, nameof(commit));
                            Bind(upsert, record);
                            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                if (commit.JobId is not null && commit.Checkpoint is not null)
                {
                    var checkpoint = Command(connection, "INSERT INTO checkpoints (job_id, checkpoint) VALUES ($jobId, $checkpoint) ON CONFLICT (job_id) DO UPDATE SET checkpoint = excluded.checkpoint;");
                    await using (checkpoint.ConfigureAwait(false))
                    {
                        checkpoint.Transaction = transaction;
                        checkpoint.Parameters.AddWithValue("$jobId", commit.JobId);
                        checkpoint.Parameters.AddWithValue("$checkpoint", commit.Checkpoint);
                        await checkpoint.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                // Not cancellable past this point: a commit that has written everything is made durable.
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask<string?> GetCheckpointAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = Command(connection, "SELECT checkpoint FROM checkpoints WHERE job_id = $jobId;");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$jobId", jobId);
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            }
        }
    }

    public async ValueTask<IReadOnlyDictionary<string, long>> CountByModelNameAsync(CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = Command(connection, "SELECT model_name, COUNT(*) FROM explanations GROUP BY model_name;");
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        counts[reader.GetString(0)] = reader.GetInt64(1);
                    }
                }
            }
        }

        return counts;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>The plain insert of the same columns and parameters as the upsert (the benchmarks' baseline).</summary>
    internal static readonly string InsertSql = UpsertSql[..UpsertSql.IndexOf("ON CONFLICT", StringComparison.Ordinal)];

    /// <summary>Binds a record to the upsert's (or <see cref="InsertSql"/>'s) parameters.</summary>
    internal static void Bind(SqliteCommand command, ExplanationRecord record)
    {
        var p = command.Parameters;
        p.Clear();
        p.AddWithValue("$puzzleId", record.PuzzleId);
        p.AddWithValue("$modelName", record.ModelName);
        p.AddWithValue("$modelFolder", record.ModelFolder);
        p.AddWithValue("$attemptNumber", record.AttemptNumber);
        p.AddWithValue("$dataset", record.Dataset);
        p.AddWithValue("$source", record.Source);
        p.AddWithValue("$testPairs", record.TestPairs);
        p.AddWithValue("$predictions", StoredJson.WritePredictions(record.Predictions));
        p.AddWithValue("$correctPredictions", record.CorrectPredictions);
        p.AddWithValue("$isCorrect", record.IsCorrect ? 1 : 0);
        p.AddWithValue("$accuracy", record.Accuracy);
        p.AddWithValue("$model", (object?)record.Model ?? DBNull.Value);
        p.AddWithValue("$provider", (object?)record.Provider ?? DBNull.Value);
        p.AddWithValue("$promptTokens", record.PromptTokens);
        p.AddWithValue("$completionTokens", record.CompletionTokens);
        p.AddWithValue("$reasoningTokens", record.ReasoningTokens);
        p.AddWithValue("$totalTokens", record.TotalTokens);
        p.AddWithValue("$cost", record.Cost);
        p.AddWithValue("$durationTicks", record.Duration.Ticks);
        p.AddWithValue("$jobId", (object?)record.JobId ?? DBNull.Value);
        p.AddWithValue("$ingestedAt", SqliteTime.Format(record.IngestedAt));
    }

    private static ExplanationRecord Read(SqliteDataReader reader) => new()
    {
        PuzzleId = reader.GetString(0),
        ModelName = reader.GetString(1),
        ModelFolder = reader.GetString(2),
        AttemptNumber = reader.GetInt32(3),
        Dataset = reader.GetString(4),
        Source = reader.GetString(5),
        TestPairs = reader.GetInt32(6),
        Predictions = StoredJson.ReadPredictions(reader.GetString(7)),
        Model = reader.IsDBNull(8) ? null : reader.GetString(8),
        Provider = reader.IsDBNull(9) ? null : reader.GetString(9),
        PromptTokens = reader.GetInt64(10),
        CompletionTokens = reader.GetInt64(11),
        ReasoningTokens = reader.GetInt64(12),
        TotalTokens = reader.GetInt64(13),
        Cost = reader.GetDouble(14),
        Duration = TimeSpan.FromTicks(reader.GetInt64(15)),
        JobId = reader.IsDBNull(16) ? null : reader.GetString(16),
        IngestedAt = SqliteTime.Parse(reader.GetString(17)),
    };
}
