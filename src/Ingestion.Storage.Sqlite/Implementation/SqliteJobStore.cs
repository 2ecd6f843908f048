using System.Globalization;
using System.Text;
using System.Text.Json;
using Ingestion.Core;
using Ingestion.HuggingFace;
using Microsoft.Data.Sqlite;

namespace Ingestion.Storage.Sqlite;

/// <summary>An <see cref="IJobStore"/> on a SQLite file: one row per job in <c>jobs</c>, replaced on every save.</summary>
internal sealed class SqliteJobStore : IJobStore
{
    private const string Columns = "id, kind, name, state, parameters, progress, created_at, started_at, finished_at, cancellation_requested, error, checkpoint, results, run_count, last_seq";

    private static readonly Dictionary<string, string> EmptyParameters = [];

    private readonly SqliteDatabase _database;

    public SqliteJobStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public async ValueTask SaveAsync(JobSnapshot job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = """
                    INSERT INTO jobs (id, kind, name, state, parameters, progress, created_at, created_ticks, started_at, finished_at,
                                      cancellation_requested, error, checkpoint, results, run_count, last_seq, dry_run)
                    VALUES ($id, $kind, $name, $state, $parameters, $progress, $createdAt, $createdTicks, $startedAt, $finishedAt,
                            $cancellationRequested, $error, $checkpoint, $results, $runCount, $lastSeq, $dryRun)
                    ON CONFLICT (id) DO UPDATE SET
                        kind = excluded.kind, name = excluded.name, state = excluded.state, parameters = excluded.parameters,
                        progress = excluded.progress, created_at = excluded.created_at, created_ticks = excluded.created_ticks,
                        started_at = excluded.started_at, finished_at = excluded.finished_at,
                        cancellation_requested = excluded.cancellation_requested, error = excluded.error,
                        checkpoint = excluded.checkpoint, results = excluded.results, run_count = excluded.run_count,
                        last_seq = excluded.last_seq, dry_run = excluded.dry_run;
                    """;
                var p = command.Parameters;
                p.AddWithValue("$id", job.Id);
                p.AddWithValue("$kind", job.Kind);
                p.AddWithValue("$name", (object?)job.Name ?? DBNull.Value);
                p.AddWithValue("$state", (int)job.State);
                p.AddWithValue("$parameters", job.Parameters.GetRawText());
                p.AddWithValue("$progress", StoredJson.WriteProgress(job.Progress));
                p.AddWithValue("$createdAt", SqliteTime.Format(job.CreatedAt));
                p.AddWithValue("$createdTicks", job.CreatedAt.UtcTicks);
                p.AddWithValue("$startedAt", job.StartedAt is { } started ? SqliteTime.Format(started) : DBNull.Value);
                p.AddWithValue("$finishedAt", job.FinishedAt is { } finished ? SqliteTime.Format(finished) : DBNull.Value);
                p.AddWithValue("$cancellationRequested", job.IsCancellationRequested ? 1 : 0);
                p.AddWithValue("$error", job.Error is { } error ? StoredJson.WriteError(error) : DBNull.Value);
                p.AddWithValue("$checkpoint", (object?)job.Checkpoint ?? DBNull.Value);
                p.AddWithValue("$results", StoredJson.WriteResults(job.Results));
                p.AddWithValue("$runCount", job.RunCount);
                p.AddWithValue("$lastSeq", job.LastSeq);
                p.AddWithValue("$dryRun", IsDryRun(job.Parameters) ? 1 : 0);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask<JobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = $"SELECT {Columns} FROM jobs WHERE id = $id;";
                command.Parameters.AddWithValue("$id", jobId);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
                }
            }
        }
    }

    public async ValueTask<JobHistoryPage> QueryAsync(JobHistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One read transaction, so that the page and the total come from the same snapshot of the file.
            var transaction = connection.BeginTransaction(deferred: true);
            await using (transaction.ConfigureAwait(false))
            {
                var where = new StringBuilder();
                var count = connection.CreateCommand();
                var select = connection.CreateCommand();
                await using (count.ConfigureAwait(false))
                await using (select.ConfigureAwait(false))
                {
                    count.Transaction = transaction;
                    select.Transaction = transaction;
                    if (query.Kind is not null)
                    {
                        where.Append(" AND kind = $kind");
                        count.Parameters.AddWithValue("$kind", query.Kind);
                        select.Parameters.AddWithValue("$kind", query.Kind);
                    }

                    if (query.States is { Count: > 0 } states)
                    {
                        where.Append(" AND state IN (");
                        var i = 0;
                        foreach (var state in states.Distinct())
                        {
                            var name = string.Create(CultureInfo.InvariantCulture, $"$s{i}");
                            where.Append(i == 0 ? name : "," + name);
                            count.Parameters.AddWithValue(name, (int)state);
                            select.Parameters.AddWithValue(name, (int)state);
                            i++;
                        }

                        where.Append(')');
                    }

                    var f = 0;
                    foreach (var (parameter, value) in query.Parameters ?? EmptyParameters)
                    {
                        // Names are identifiers (checked by Validate), so they are safe in a JSON path.
                        var path = string.Create(CultureInfo.InvariantCulture, $"$p{f}");
                        var text = string.Create(CultureInfo.InvariantCulture, $"$v{f}");
                        where.Append(CultureInfo.InvariantCulture, $" AND json_type(parameters, {path}) = 'text' AND json_extract(parameters, {path}) = {text}");
                        foreach (var command in (ReadOnlySpan<SqliteCommand>)[count, select])
                        {
                            command.Parameters.AddWithValue(path, "$." + parameter);
                            command.Parameters.AddWithValue(text, value);
                        }

                        f++;
                    }

                    count.CommandText = $"SELECT COUNT(*) FROM jobs WHERE 1 = 1{where};";
                    var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

                    select.CommandText = $"SELECT {Columns} FROM jobs WHERE 1 = 1{where} ORDER BY created_ticks DESC, id DESC LIMIT $limit OFFSET $offset;";
                    select.Parameters.AddWithValue("$limit", query.Limit);
                    select.Parameters.AddWithValue("$offset", query.Offset);
                    var items = new List<JobSnapshot>(Math.Min(query.Limit, Math.Max(0, total - query.Offset)));
                    var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            items.Add(Read(reader));
                        }
                    }

                    return new JobHistoryPage { Items = items, TotalCount = total, Offset = query.Offset, Limit = query.Limit };
                }
            }
        }
    }

    /// <summary>The dry-run flag is a column of its own so that the history can filter on it; it comes from the parameters.</summary>
    private static bool IsDryRun(JsonElement parameters)
        => parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("dryRun", out var dryRun)
            && dryRun.ValueKind == JsonValueKind.True;

    private static JobSnapshot Read(SqliteDataReader reader)
    {
        using var parameters = JsonDocument.Parse(reader.GetString(4));
        return new JobSnapshot
        {
            Id = reader.GetString(0),
            Kind = reader.GetString(1),
            Name = reader.IsDBNull(2) ? null : reader.GetString(2),
            State = (JobState)reader.GetInt32(3),
            Parameters = parameters.RootElement.Clone(),
            Progress = StoredJson.ReadProgress(reader.GetString(5)),
            CreatedAt = SqliteTime.Parse(reader.GetString(6)),
            StartedAt = reader.IsDBNull(7) ? null : SqliteTime.Parse(reader.GetString(7)),
            FinishedAt = reader.IsDBNull(8) ? null : SqliteTime.Parse(reader.GetString(8)),
            IsCancellationRequested = reader.GetInt32(9) != 0,
            Error = reader.IsDBNull(10) ? null : StoredJson.ReadError(reader.GetString(10)),
            Checkpoint = reader.IsDBNull(11) ? null : reader.GetString(11),
            Results = StoredJson.ReadResults(reader.GetString(12)),
            RunCount = reader.GetInt32(13),
            LastSeq = reader.GetInt64(14),
        };
    }
}
