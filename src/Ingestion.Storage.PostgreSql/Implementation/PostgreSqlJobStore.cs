using System.Globalization;
using System.Text;
using System.Text.Json;
using Ingestion.Core;
using Ingestion.HuggingFace;
using Npgsql;
using NpgsqlTypes;

namespace Ingestion.Storage.PostgreSql;

/// <summary>An <see cref="IJobStore"/> on PostgreSQL: one row per job in <c>jobs</c>, replaced on every save.</summary>
internal sealed class PostgreSqlJobStore : IJobStore
{
    private const string Columns = "id, kind, name, state, parameters, progress, created_ticks, started_ticks, finished_ticks, cancellation_requested, error, checkpoint, results, run_count, last_seq";

    private const string UpsertSql = """
        INSERT INTO jobs (id, kind, name, state, parameters, progress, created_at, created_ticks, started_at, started_ticks,
                          finished_at, finished_ticks, cancellation_requested, error, checkpoint, results, run_count, last_seq, dry_run)
        VALUES (@id, @kind, @name, @state, @parameters, @progress, @createdAt, @createdTicks, @startedAt, @startedTicks,
                @finishedAt, @finishedTicks, @cancellationRequested, @error, @checkpoint, @results, @runCount, @lastSeq, @dryRun)
        ON CONFLICT (id) DO UPDATE SET
            kind = excluded.kind, name = excluded.name, state = excluded.state, parameters = excluded.parameters,
            progress = excluded.progress, created_at = excluded.created_at, created_ticks = excluded.created_ticks,
            started_at = excluded.started_at, started_ticks = excluded.started_ticks, finished_at = excluded.finished_at,
            finished_ticks = excluded.finished_ticks, cancellation_requested = excluded.cancellation_requested,
            error = excluded.error, checkpoint = excluded.checkpoint, results = excluded.results,
            run_count = excluded.run_count, last_seq = excluded.last_seq, dry_run = excluded.dry_run;
        """;

    private static readonly Dictionary<string, string> EmptyParameters = [];

    private readonly PostgreSqlDatabase _database;

    public PostgreSqlJobStore(PostgreSqlDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public async ValueTask SaveAsync(JobSnapshot job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await _database.ExecuteAsync(UpsertSql, p => Bind(p, job), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<JobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return _database.QueryAsync(
            $"SELECT {Columns} FROM jobs WHERE id = @id;",
            p => p.Bind("id", NpgsqlDbType.Text, jobId),
            static async (reader, ct) => await reader.ReadAsync(ct).ConfigureAwait(false) ? Read(reader, 0) : null,
            cancellationToken);
    }

    public ValueTask<JobHistoryPage> QueryAsync(JobHistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var where = new StringBuilder("TRUE");
        if (query.Kind is not null)
        {
            where.Append(" AND kind = @kind");
        }

        if (query.States is { Count: > 0 })
        {
            where.Append(" AND state = ANY(@states)");
        }

        var filters = (query.Parameters ?? EmptyParameters).ToArray();
        for (var f = 0; f < filters.Length; f++)
        {
            // A top-level JSON string equal to the value; ->> unescapes it, and = on text is bytewise here.
            where.Append(CultureInfo.InvariantCulture, $" AND jsonb_typeof(parameters -> @p{f}) = 'string' AND parameters ->> @p{f} = @v{f}");
        }

        // One statement, so one snapshot: the total and the page agree even while jobs are saved. The count is always a
        // row of its own, so a page past the end still carries the total.
        var sql = $"""
            SELECT total.n, page.*
            FROM (SELECT count(*) AS n FROM jobs WHERE {where}) AS total
            LEFT JOIN LATERAL (
                SELECT {Columns} FROM jobs WHERE {where}
                ORDER BY created_ticks DESC, id DESC
                LIMIT @limit OFFSET @offset
            ) AS page ON TRUE
            ORDER BY page.created_ticks DESC, page.id DESC;
            """;

        return _database.QueryAsync(
            sql,
            p =>
            {
                if (query.Kind is not null)
                {
                    p.Bind("kind", NpgsqlDbType.Text, query.Kind);
                }

                if (query.States is { Count: > 0 } states)
                {
                    p.Bind("states", NpgsqlDbType.Array | NpgsqlDbType.Integer, states.Select(static s => (int)s).ToArray());
                }

                for (var f = 0; f < filters.Length; f++)
                {
                    p.Bind(string.Create(CultureInfo.InvariantCulture, $"p{f}"), NpgsqlDbType.Text, filters[f].Key);
                    p.Bind(string.Create(CultureInfo.InvariantCulture, $"v{f}"), NpgsqlDbType.Text, filters[f].Value);
                }

                p.Bind("limit", NpgsqlDbType.Integer, query.Limit);
                p.Bind("offset", NpgsqlDbType.Integer, query.Offset);
            },
            async (reader, ct) =>
            {
                var total = 0;
                var items = new List<JobSnapshot>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    total = checked((int)reader.GetInt64(0));
                    if (!reader.IsDBNull(1))
                    {
                        items.Add(Read(reader, 1));
                    }
                }

                return new JobHistoryPage { Items = items, TotalCount = total, Offset = query.Offset, Limit = query.Limit };
            },
            cancellationToken);
    }

    private static void Bind(NpgsqlParameterCollection p, JobSnapshot job)
    {
        p.Bind("id", NpgsqlDbType.Text, job.Id);
        p.Bind("kind", NpgsqlDbType.Text, job.Kind);
        p.Bind("name", NpgsqlDbType.Text, job.Name);
        p.Bind("state", NpgsqlDbType.Integer, (int)job.State);
        // Stored as given (the manager has already left secrets out); jsonb keeps the values, not the spacing or key order.
        p.Bind("parameters", NpgsqlDbType.Jsonb, job.Parameters.GetRawText());
        p.Bind("progress", NpgsqlDbType.Jsonb, StoredJson.WriteProgress(job.Progress));
        p.Bind("createdAt", NpgsqlDbType.TimestampTz, PostgreSqlValues.ToTimestamp(job.CreatedAt));
        p.Bind("createdTicks", NpgsqlDbType.Bigint, job.CreatedAt.UtcTicks);
        p.Bind("startedAt", NpgsqlDbType.TimestampTz, job.StartedAt is { } started ? PostgreSqlValues.ToTimestamp(started) : null);
        p.Bind("startedTicks", NpgsqlDbType.Bigint, job.StartedAt?.UtcTicks);
        p.Bind("finishedAt", NpgsqlDbType.TimestampTz, job.FinishedAt is { } finished ? PostgreSqlValues.ToTimestamp(finished) : null);
        p.Bind("finishedTicks", NpgsqlDbType.Bigint, job.FinishedAt?.UtcTicks);
        p.Bind("cancellationRequested", NpgsqlDbType.Boolean, job.IsCancellationRequested);
        p.Bind("error", NpgsqlDbType.Jsonb, job.Error is { } error ? StoredJson.WriteError(error) : null);
        p.Bind("checkpoint", NpgsqlDbType.Text, job.Checkpoint);
        p.Bind("results", NpgsqlDbType.Jsonb, StoredJson.WriteResults(job.Results));
        p.Bind("runCount", NpgsqlDbType.Integer, job.RunCount);
        p.Bind("lastSeq", NpgsqlDbType.Bigint, job.LastSeq);
        p.Bind("dryRun", NpgsqlDbType.Boolean, IsDryRun(job.Parameters));
    }

    /// <summary>The dry-run flag is a column of its own so that the history can filter on it; it comes from the parameters.</summary>
    private static bool IsDryRun(JsonElement parameters)
        => parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("dryRun", out var dryRun)
            && dryRun.ValueKind == JsonValueKind.True;

    /// <summary>Reads a job from the reader's columns <see cref="Columns"/>, starting at <paramref name="first"/>.</summary>
    private static JobSnapshot Read(NpgsqlDataReader reader, int first)
    {
        using var parameters = JsonDocument.Parse(reader.GetString(first + 4));
        return new JobSnapshot
        {
            Id = reader.GetString(first),
            Kind = reader.GetString(first + 1),
            Name = reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2),
            State = (JobState)reader.GetInt32(first + 3),
            Parameters = parameters.RootElement.Clone(),
            Progress = StoredJson.ReadProgress(reader.GetString(first + 5)),
            CreatedAt = PostgreSqlValues.FromTicks(reader.GetInt64(first + 6)),
            StartedAt = reader.IsDBNull(first + 7) ? null : PostgreSqlValues.FromTicks(reader.GetInt64(first + 7)),
            FinishedAt = reader.IsDBNull(first + 8) ? null : PostgreSqlValues.FromTicks(reader.GetInt64(first + 8)),
            IsCancellationRequested = reader.GetBoolean(first + 9),
            Error = reader.IsDBNull(first + 10) ? null : StoredJson.ReadError(reader.GetString(first + 10)),
            Checkpoint = reader.IsDBNull(first + 11) ? null : reader.GetString(first + 11),
            Results = StoredJson.ReadResults(reader.GetString(first + 12)),
            RunCount = reader.GetInt32(first + 13),
            LastSeq = reader.GetInt64(first + 14),
        };
    }
}
