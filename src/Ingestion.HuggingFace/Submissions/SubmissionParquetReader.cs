using System.Buffers;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;
using static Ingestion.HuggingFace.SubmissionParquetSchema;

namespace Ingestion.HuggingFace;

/// <summary>
/// Reads the flat submission rows a row group at a time through Parquet.Net's column API (one array per column per row
/// group, then one <see cref="SubmissionAttempt"/> per row), and groups consecutive rows of a task into a
/// <see cref="TaskSubmission"/>. Columns are found by name; any of them may be OPTIONAL, integers may be int32 or int64,
/// and columns it does not know are ignored.
/// </summary>
internal sealed class SubmissionParquetReader
{
    private static readonly ParquetOptions Options = new() { TreatByteArrayAsString = true };

    private readonly DataField _taskId;
    private readonly DataField _pairIndex;
    private readonly DataField _attempt;
    private readonly ParquetAnswerColumn? _answer;
    private readonly DataField? _correct;
    private readonly DataField? _model;
    private readonly DataField? _provider;
    private readonly DataField? _start;
    private readonly DataField? _end;
    private readonly DataField? _userPrompt;
    private readonly DataField? _assistant;
    private readonly DataField? _reasoning;
    private readonly DataField? _promptTokens;
    private readonly DataField? _completionTokens;
    private readonly DataField? _reasoningTokens;
    private readonly DataField? _totalTokens;
    private readonly DataField? _totalCost;
    private readonly DataField? _rawJson;

    private SubmissionParquetReader(ParquetSchema schema)
    {
        var fields = new Dictionary<string, Field>(StringComparer.Ordinal);
        foreach (var field in schema.Fields)
        {
            fields.TryAdd(field.Name, field);
        }

        var missing = new[] { TaskId, PairIndex, Attempt }.Where(name => !fields.ContainsKey(name)).ToArray();
        if (missing.Length > 0)
        {
            throw new SubmissionFormatException(
                $"The Parquet file has no {string.Join(", ", missing.Select(name => $"'{name}'"))} column{(missing.Length > 1 ? "s" : "")}; a submission file needs {TaskId}, {PairIndex} and {Attempt}.");
        }

        _taskId = Flat(fields, TaskId, ColumnKind.String)!;
        _pairIndex = Flat(fields, PairIndex, ColumnKind.Integer)!;
        _attempt = Flat(fields, Attempt, ColumnKind.Integer)!;
        _answer = fields.TryGetValue(Answer, out var answer) ? ParquetAnswerColumn.Resolve(answer) : null;
        _correct = Flat(fields, Correct, ColumnKind.Boolean);
        _model = Flat(fields, Model, ColumnKind.String);
        _provider = Flat(fields, Provider, ColumnKind.String);
        _start = Flat(fields, StartTimestamp, ColumnKind.Timestamp);
        _end = Flat(fields, EndTimestamp, ColumnKind.Timestamp);
        _userPrompt = Flat(fields, UserPrompt, ColumnKind.String);
        _assistant = Flat(fields, AssistantContent, ColumnKind.String);
        _reasoning = Flat(fields, ReasoningSummary, ColumnKind.String);
        _promptTokens = Flat(fields, PromptTokens, ColumnKind.Integer);
        _completionTokens = Flat(fields, CompletionTokens, ColumnKind.Integer);
        _reasoningTokens = Flat(fields, ReasoningTokens, ColumnKind.Integer);
        _totalTokens = Flat(fields, TotalTokens, ColumnKind.Integer);
        _totalCost = Flat(fields, TotalCost, ColumnKind.Real);
        _rawJson = Flat(fields, RawJson, ColumnKind.String);
    }

    private enum ColumnKind
    {
        String,
        Integer,
        Boolean,
        Real,
        Timestamp,
    }

    /// <summary>Reads a file's tasks, one row group at a time.</summary>
    /// <param name="stream">The file: readable and seekable (checked by the caller).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tasks, in file order.</returns>
    public static async IAsyncEnumerable<TaskSubmission> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ParquetReader file;
        try
        {
            file = await ParquetReader.CreateAsync(stream, Options, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDecodeFailure(ex))
        {
            throw new SubmissionFormatException($"The file is not a readable Parquet file: {ex.Message}", ex);
        }

        await using (file.ConfigureAwait(false))
        {
            var reader = new SubmissionParquetReader(file.Schema);
            var grouper = new TaskSubmissionGrouper();
            long position = 0;
            for (var index = 0; index < file.RowGroupCount; index++)
            {
                var rows = await reader.ReadRowGroupAsync(file, index, position, cancellationToken).ConfigureAwait(false);
                foreach (var row in rows)
                {
                    if (grouper.Add(row, "row", position++) is { } task)
                    {
                        yield return task;
                    }
                }
            }

            if (grouper.Complete() is { } last)
            {
                yield return last;
            }
        }
    }

    // What Parquet.Net throws for a damaged or foreign file varies (IOException, InvalidDataException, ParquetException,
    // InvalidCastException, index errors on garbage lengths, …): all of them mean "this file does not read".
    private static bool IsDecodeFailure(Exception exception) => exception is not (OperationCanceledException or SubmissionFormatException);

    private static DataField? Flat(Dictionary<string, Field> fields, string name, ColumnKind kind)
    {
        if (!fields.TryGetValue(name, out var field))
        {
            return null;
        }

        if (field is DataField { MaxRepetitionLevel: 0 } data && Accepts(kind, data.ClrType))
        {
            return data;
        }

        var found = field is DataField { MaxRepetitionLevel: 0 } flat ? flat.ClrType.Name : $"a {field.SchemaType.ToString().ToLowerInvariant()}";
        throw new SubmissionFormatException($"The Parquet column '{name}' is {found}; expected {Expected(kind)}.");
    }

    private static bool Accepts(ColumnKind kind, Type type) => kind switch
    {
        ColumnKind.String => type == typeof(string) || type == typeof(ReadOnlyMemory<char>),
        ColumnKind.Integer => type == typeof(int) || type == typeof(long),
        ColumnKind.Boolean => type == typeof(bool),
        ColumnKind.Real => type == typeof(double) || type == typeof(float),
        ColumnKind.Timestamp => type == typeof(DateTime),
        _ => false,
    };

    private static string Expected(ColumnKind kind) => kind switch
    {
        ColumnKind.String => "a string",
        ColumnKind.Integer => "an int32 or int64",
        ColumnKind.Boolean => "a boolean",
        ColumnKind.Real => "a double",
        _ => "a timestamp",
    };

    private static async ValueTask<string?[]?> ReadStringsAsync(ParquetRowGroupReader rowGroup, DataField? field, int rows, CancellationToken cancellationToken)
    {
        if (field is null)
        {
            return null;
        }

        var values = new string?[rows];
        await rowGroup.ReadAsync(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
        return values;
    }

    private static async ValueTask<T?[]?> ReadAsync<T>(ParquetRowGroupReader rowGroup, DataField? field, int rows, CancellationToken cancellationToken)
        where T : struct
    {
        if (field is null)
        {
            return null;
        }

        var values = new T?[rows];
        if (field.IsNullable)
        {
            await rowGroup.ReadAsync<T>(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            return values;
        }

        var dense = ArrayPool<T>.Shared.Rent(rows);
        try
        {
            await rowGroup.ReadAsync<T>(field, dense.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < rows; i++)
            {
                values[i] = dense[i];
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(dense);
        }

        return values;
    }

    private static async ValueTask<long?[]?> ReadInt64Async(ParquetRowGroupReader rowGroup, DataField? field, int rows, CancellationToken cancellationToken)
    {
        if (field is null || field.ClrType == typeof(long))
        {
            return await ReadAsync<long>(rowGroup, field, rows, cancellationToken).ConfigureAwait(false);
        }

        var narrow = (await ReadAsync<int>(rowGroup, field, rows, cancellationToken).ConfigureAwait(false))!;
        var values = new long?[rows];
        for (var i = 0; i < rows; i++)
        {
            values[i] = narrow[i];
        }

        return values;
    }

    private static async ValueTask<double?[]?> ReadDoubleAsync(ParquetRowGroupReader rowGroup, DataField? field, int rows, CancellationToken cancellationToken)
    {
        if (field is null || field.ClrType == typeof(double))
        {
            return await ReadAsync<double>(rowGroup, field, rows, cancellationToken).ConfigureAwait(false);
        }

        var narrow = (await ReadAsync<float>(rowGroup, field, rows, cancellationToken).ConfigureAwait(false))!;
        var values = new double?[rows];
        for (var i = 0; i < rows; i++)
        {
            values[i] = narrow[i];
        }

        return values;
    }

    private static int RequiredInt32(long?[] values, int i, string column, long position, long min)
    {
        return values[i] is { } value && value >= min && value <= int.MaxValue
            ? (int)value
            : throw new SubmissionFormatException(
                values[i] is null
                    ? $"Row {position} of the Parquet file has no {column}."
                    : $"Row {position} of the Parquet file has {column} {values[i]}; expected {min} or more.");
    }

    private static DateTimeOffset? Timestamp(DateTime?[]? values, int i)
        => values?[i] is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;

    private async ValueTask<SubmissionAttempt[]> ReadRowGroupAsync(ParquetReader file, int index, long firstRow, CancellationToken cancellationToken)
    {
        try
        {
            var rowGroup = file.OpenRowGroupReader(index);
            var rows = checked((int)rowGroup.RowCount);
            var taskIds = (await ReadStringsAsync(rowGroup, _taskId, rows, cancellationToken).ConfigureAwait(false))!;
            var pairIndexes = (await ReadInt64Async(rowGroup, _pairIndex, rows, cancellationToken).ConfigureAwait(false))!;
            var attemptNumbers = (await ReadInt64Async(rowGroup, _attempt, rows, cancellationToken).ConfigureAwait(false))!;
            var rawJson = await ReadStringsAsync(rowGroup, _rawJson, rows, cancellationToken).ConfigureAwait(false);
            var answers = _answer is null ? null : await _answer.ReadAsync(rowGroup, rows, keepInvalidCells: rawJson is null || Array.IndexOf(rawJson, null) >= 0, cancellationToken).ConfigureAwait(false);
            var correct = await ReadAsync<bool>(rowGroup, _correct, rows, cancellationToken).ConfigureAwait(false);
            var model = await ReadStringsAsync(rowGroup, _model, rows, cancellationToken).ConfigureAwait(false);
            var provider = await ReadStringsAsync(rowGroup, _provider, rows, cancellationToken).ConfigureAwait(false);
            var start = await ReadAsync<DateTime>(rowGroup, _start, rows, cancellationToken).ConfigureAwait(false);
            var end = await ReadAsync<DateTime>(rowGroup, _end, rows, cancellationToken).ConfigureAwait(false);
            var userPrompt = await ReadStringsAsync(rowGroup, _userPrompt, rows, cancellationToken).ConfigureAwait(false);
            var assistant = await ReadStringsAsync(rowGroup, _assistant, rows, cancellationToken).ConfigureAwait(false);
            var reasoning = await ReadStringsAsync(rowGroup, _reasoning, rows, cancellationToken).ConfigureAwait(false);
            var promptTokens = await ReadInt64Async(rowGroup, _promptTokens, rows, cancellationToken).ConfigureAwait(false);
            var completionTokens = await ReadInt64Async(rowGroup, _completionTokens, rows, cancellationToken).ConfigureAwait(false);
            var reasoningTokens = await ReadInt64Async(rowGroup, _reasoningTokens, rows, cancellationToken).ConfigureAwait(false);
            var totalTokens = await ReadInt64Async(rowGroup, _totalTokens, rows, cancellationToken).ConfigureAwait(false);
            var totalCost = await ReadDoubleAsync(rowGroup, _totalCost, rows, cancellationToken).ConfigureAwait(false);

            var attempts = new SubmissionAttempt[rows];
            for (var i = 0; i < rows; i++)
            {
                var position = firstRow + i;
                var taskId = taskIds[i] is { Length: > 0 } id ? id : throw new SubmissionFormatException($"Row {position} of the Parquet file has no {TaskId}.");
                var raw = rawJson?[i];
                var grid = answers?.Grids[i];
                var error = grid is not null
                    ? null
                    : answers is null || answers.Missing[i]
                        ? AttemptJson.AnswerErrorWithoutCells(raw) // not rows of integers: the raw JSON says what it was
                        : answers.Errors[i];
                var attempt = new SubmissionAttempt
                {
                    TaskId = taskId,
                    PairIndex = RequiredInt32(pairIndexes, i, PairIndex, position, min: 0),
                    AttemptNumber = RequiredInt32(attemptNumbers, i, Attempt, position, min: 1),
                    Answer = grid,
                    AnswerError = error,
                    ReportedCorrect = correct?[i],
                    Model = model?[i],
                    Provider = provider?[i],
                    StartedAt = Timestamp(start, i),
                    EndedAt = Timestamp(end, i),
                    UserPrompt = userPrompt?[i],
                    AssistantContent = assistant?[i],
                    ReasoningSummary = reasoning?[i],
                    PromptTokens = promptTokens?[i],
                    CompletionTokens = completionTokens?[i],
                    ReasoningTokens = reasoningTokens?[i],
                    TotalTokens = totalTokens?[i],
                    TotalCost = totalCost?[i],
                    RawJson = raw ?? string.Empty,
                };

                attempts[i] = raw is null ? AttemptJson.WithRawJson(attempt, AttemptJson.Synthesize(attempt, answers?.InvalidCells?[i])) : attempt;
            }

            return attempts;
        }
        catch (Exception ex) when (IsDecodeFailure(ex))
        {
            throw new SubmissionFormatException($"Row group {index} of the Parquet file does not read: {ex.Message}", ex);
        }
    }
}
