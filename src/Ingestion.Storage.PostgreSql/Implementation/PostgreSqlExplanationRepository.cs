using Ingestion.HuggingFace;
using Npgsql;
using NpgsqlTypes;

namespace Ingestion.Storage.PostgreSql;

/// <summary>
/// An <see cref="IExplanationRepository"/> on PostgreSQL: records in <c>explanations</c> (primary key on puzzle id and
/// model name), checkpoints in <c>checkpoints</c>; a commit writes both in one transaction, in one round trip.
/// </summary>
internal sealed class PostgreSqlExplanationRepository : IExplanationRepository
{
    private const string Columns = "puzzle_id, model_name, model_folder, attempt_number, dataset, source, test_pairs, predictions, model, provider, prompt_tokens, completion_tokens, reasoning_tokens, total_tokens, cost, duration_ticks, job_id, ingested_ticks";

    private const string UpsertSql = """
        INSERT INTO explanations (puzzle_id, model_name, model_folder, attempt_number, dataset, source, test_pairs, predictions,
                                  correct_predictions, is_correct, accuracy, model, provider, prompt_tokens, completion_tokens,
                                  reasoning_tokens, total_tokens, cost, duration_ticks, job_id, ingested_at, ingested_ticks)
        VALUES (@puzzleId, @modelName, @modelFolder, @attemptNumber, @dataset, @source, @testPairs, @predictions,
                @correctPredictions, @isCorrect, @accuracy, @model, @provider, @promptTokens, @completionTokens,
                @reasoningTokens, @totalTokens, @cost, @durationTicks, @jobId, @ingestedAt, @ingestedTicks)
        ON CONFLICT (puzzle_id, model_name) DO UPDATE SET
            model_folder = excluded.model_folder, attempt_number = excluded.attempt_number, dataset = excluded.dataset,
            source = excluded.source, test_pairs = excluded.test_pairs, predictions = excluded.predictions,
            correct_predictions = excluded.correct_predictions, is_correct = excluded.is_correct, accuracy = excluded.accuracy,
            model = excluded.model, provider = excluded.provider, prompt_tokens = excluded.prompt_tokens,
            completion_tokens = excluded.completion_tokens, reasoning_tokens = excluded.reasoning_tokens,
            total_tokens = excluded.total_tokens, cost = excluded.cost, duration_ticks = excluded.duration_ticks,
            job_id = excluded.job_id, ingested_at = excluded.ingested_at, ingested_ticks = excluded.ingested_ticks;
        """;

    private const string CheckpointSql = """
        INSERT INTO checkpoints (job_id, checkpoint) VALUES (@jobId, @checkpoint)
        ON CONFLICT (job_id) DO UPDATE SET checkpoint = excluded.checkpoint;
        """;

    private readonly PostgreSqlDatabase _database;

    public PostgreSqlExplanationRepository(PostgreSqlDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public ValueTask<IReadOnlySet<string>> GetModelNamesAsync(string puzzleId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(puzzleId);
        return _database.QueryAsync<IReadOnlySet<string>>(
            "SELECT model_name FROM explanations WHERE puzzle_id = @puzzleId;",
            p => p.Bind("puzzleId", NpgsqlDbType.Text, puzzleId),
            static async (reader, ct) =>
            {
                var names = new HashSet<string>(StringComparer.Ordinal);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    names.Add(reader.GetString(0));
                }

                return names;
            },
            cancellationToken);
    }

    public ValueTask<ExplanationRecord?> GetAsync(string puzzleId, string modelName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(puzzleId);
        ArgumentNullException.ThrowIfNull(modelName);
        return _database.QueryAsync(
            $"SELECT {Columns} FROM explanations WHERE puzzle_id = @puzzleId AND model_name = @modelName;",
            p => BindKey(p, puzzleId, modelName),
            static async (reader, ct) => await reader.ReadAsync(ct).ConfigureAwait(false) ? Read(reader) : null,
            cancellationToken);
    }

    /// <remarks>
    /// Run again after a lost connection like every operation: if the first attempt had deleted the record before the
    /// connection broke, the second finds nothing and returns <see langword="false"/>; the record is gone either way.
    /// </remarks>
    public async ValueTask<bool> DeleteAsync(string puzzleId, string modelName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(puzzleId);
        ArgumentNullException.ThrowIfNull(modelName);
        var deleted = await _database.ExecuteAsync(
            "DELETE FROM explanations WHERE puzzle_id = @puzzleId AND model_name = @modelName;",
            p => BindKey(p, puzzleId, modelName),
            cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    /// <remarks>
    /// <para>
    /// The upserts and the checkpoint go as one batch with no explicit transaction: PostgreSQL runs the statements
    /// before a batch's Sync in one implicit transaction, so they commit together or (on any error, or a cancellation
    /// while they run) not at all, in one round trip.
    /// </para>
    /// <para>
    /// A connection lost during the batch is retried once on a fresh connection (see <see cref="PostgreSqlDatabase"/>),
    /// including when it was lost after the server had the whole batch, where the commit may or may not have happened.
    /// Running it again is safe either way: every statement is an upsert of the same values, so the end state is the
    /// same whether the first attempt committed or not, and nothing else writes this job's checkpoint meanwhile (a job
    /// commits one puzzle at a time). If the retry fails too, the caller gets the exception and does not know whether
    /// the puzzle landed; the database holds it whole or not at all, with its checkpoint or the previous one, and
    /// redoing the puzzle on resume rewrites the same rows.
    /// </para>
    /// </remarks>
    public async ValueTask CommitAsync(ExplanationCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(commit.Records);
        foreach (var record in commit.Records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(commit));
        }

        var withCheckpoint = commit.JobId is not null && commit.Checkpoint is not null;
        cancellationToken.ThrowIfCancellationRequested();
        if (commit.Records.Count == 0 && !withCheckpoint)
        {
            return;
        }

        await _database.RunAsync(
            async (connection, ct) =>
            {
                var batch = new NpgsqlBatch(connection);
                await using (batch.ConfigureAwait(false))
                {
                    foreach (var record in commit.Records)
                    {
                        batch.BatchCommands.Add(Upsert(record));
                    }

                    if (withCheckpoint)
                    {
                        var checkpoint = new NpgsqlBatchCommand(CheckpointSql);
                        checkpoint.Parameters.Bind("jobId", NpgsqlDbType.Text, commit.JobId);
                        checkpoint.Parameters.Bind("checkpoint", NpgsqlDbType.Text, commit.Checkpoint);
                        batch.BatchCommands.Add(checkpoint);
                    }

                    return await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<string?> GetCheckpointAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var checkpoint = await _database.ScalarAsync(
            "SELECT checkpoint FROM checkpoints WHERE job_id = @jobId;",
            p => p.Bind("jobId", NpgsqlDbType.Text, jobId),
            cancellationToken).ConfigureAwait(false);
        return checkpoint as string;
    }

    public ValueTask<IReadOnlyDictionary<string, long>> CountByModelNameAsync(CancellationToken cancellationToken = default)
        => _database.QueryAsync<IReadOnlyDictionary<string, long>>(
            "SELECT model_name, count(*) FROM explanations GROUP BY model_name;",
            static _ => { },
            static async (reader, ct) =>
            {
                var counts = new Dictionary<string, long>(StringComparer.Ordinal);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    counts[reader.GetString(0)] = reader.GetInt64(1);
                }

                return counts;
            },
            cancellationToken);

    private static void BindKey(NpgsqlParameterCollection p, string puzzleId, string modelName)
    {
        p.Bind("puzzleId", NpgsqlDbType.Text, puzzleId);
        p.Bind("modelName", NpgsqlDbType.Text, modelName);
    }

    /// <summary>The plain insert of the same columns and parameters as the upsert (the benchmarks' baseline).</summary>
    internal static readonly string InsertSql = UpsertSql[..UpsertSql.IndexOf("ON CONFLICT", StringComparison.Ordinal)];

    /// <summary>The upsert of one record, or with <paramref name="sql"/> another statement with the same parameters.</summary>
    internal static NpgsqlBatchCommand Upsert(ExplanationRecord record, string sql = UpsertSql)
    {
        var command = new NpgsqlBatchCommand(sql);
        var p = command.Parameters;
        p.Bind("puzzleId", NpgsqlDbType.Text, record.PuzzleId);
        p.Bind("modelName", NpgsqlDbType.Text, record.ModelName);
        p.Bind("modelFolder", NpgsqlDbType.Text, record.ModelFolder);
        p.Bind("attemptNumber", NpgsqlDbType.Integer, record.AttemptNumber);
        p.Bind("dataset", NpgsqlDbType.Text, record.Dataset);
        p.Bind("source", NpgsqlDbType.Text, record.Source);
        p.Bind("testPairs", NpgsqlDbType.Integer, record.TestPairs);
        p.Bind("predictions", NpgsqlDbType.Jsonb, StoredJson.WritePredictions(record.Predictions));
        p.Bind("correctPredictions", NpgsqlDbType.Integer, record.CorrectPredictions);
        p.Bind("isCorrect", NpgsqlDbType.Boolean, record.IsCorrect);
        p.Bind("accuracy", NpgsqlDbType.Double, record.Accuracy);
        p.Bind("model", NpgsqlDbType.Text, record.Model);
        p.Bind("provider", NpgsqlDbType.Text, record.Provider);
        p.Bind("promptTokens", NpgsqlDbType.Bigint, record.PromptTokens);
        p.Bind("completionTokens", NpgsqlDbType.Bigint, record.CompletionTokens);
        p.Bind("reasoningTokens", NpgsqlDbType.Bigint, record.ReasoningTokens);
        p.Bind("totalTokens", NpgsqlDbType.Bigint, record.TotalTokens);
        p.Bind("cost", NpgsqlDbType.Double, record.Cost);
        p.Bind("durationTicks", NpgsqlDbType.Bigint, record.Duration.Ticks);
        p.Bind("jobId", NpgsqlDbType.Text, record.JobId);
        p.Bind("ingestedAt", NpgsqlDbType.TimestampTz, PostgreSqlValues.ToTimestamp(record.IngestedAt));
        p.Bind("ingestedTicks", NpgsqlDbType.Bigint, record.IngestedAt.UtcTicks);
        return command;
    }

    private static ExplanationRecord Read(NpgsqlDataReader reader) => new()
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
        IngestedAt = PostgreSqlValues.FromTicks(reader.GetInt64(17)),
    };
}
