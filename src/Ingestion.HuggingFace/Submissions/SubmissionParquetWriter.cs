using Parquet;
using static Ingestion.HuggingFace.SubmissionParquetSchema;

namespace Ingestion.HuggingFace;

/// <summary>
/// Writes submissions as flat rows, a row group at a time through Parquet.Net's column API: the rows are buffered
/// column by column and written out every <see cref="SubmissionParquetWriteOptions.RowGroupSize"/> rows, so memory
/// follows the row group, not the file. Tasks are written whole and in the order given, so the rows of a task are
/// contiguous (a task may still span two row groups).
/// </summary>
internal sealed class SubmissionParquetWriter
{
    private readonly ParquetWriter _writer;
    private readonly WriteSchema _schema;
    private readonly int _rowGroupSize;
    private readonly HashSet<string> _taskIds = new(StringComparer.Ordinal);

    private readonly ColumnBuffer<string?> _taskId;
    private readonly ColumnBuffer<int> _pairIndex;
    private readonly ColumnBuffer<int> _attempt;
    private readonly ColumnBuffer<int> _cells;
    private readonly ColumnBuffer<int> _cellDefinitions;
    private readonly ColumnBuffer<int> _cellRepetitions;
    private readonly ColumnBuffer<bool?> _correct;
    private readonly ColumnBuffer<string?> _model;
    private readonly ColumnBuffer<string?> _provider;
    private readonly ColumnBuffer<DateTime?> _start;
    private readonly ColumnBuffer<DateTime?> _end;
    private readonly ColumnBuffer<string?> _userPrompt;
    private readonly ColumnBuffer<string?> _assistant;
    private readonly ColumnBuffer<string?> _reasoning;
    private readonly ColumnBuffer<long?> _promptTokens;
    private readonly ColumnBuffer<long?> _completionTokens;
    private readonly ColumnBuffer<long?> _reasoningTokens;
    private readonly ColumnBuffer<long?> _totalTokens;
    private readonly ColumnBuffer<double?> _totalCost;
    private readonly ColumnBuffer<string?> _rawJson;

    private SubmissionParquetWriter(ParquetWriter writer, WriteSchema schema, int rowGroupSize)
    {
        _writer = writer;
        _schema = schema;
        _rowGroupSize = rowGroupSize;
        var rows = Math.Min(rowGroupSize, 1024);
        _taskId = new(rows);
        _pairIndex = new(rows);
        _attempt = new(rows);
        _cells = new(rows * 100);
        _cellDefinitions = new(rows * 100);
        _cellRepetitions = new(rows * 100);
        _correct = new(rows);
        _model = new(rows);
        _provider = new(rows);
        _start = new(rows);
        _end = new(rows);
        _userPrompt = new(rows);
        _assistant = new(rows);
        _reasoning = new(rows);
        _promptTokens = new(rows);
        _completionTokens = new(rows);
        _reasoningTokens = new(rows);
        _totalTokens = new(rows);
        _totalCost = new(rows);
        _rawJson = new(rows);
    }

    /// <summary>Gets the number of rows added so far.</summary>
    public long Rows { get; private set; }

    private int BufferedRows => _taskId.Count;

    /// <summary>Starts a file (writes the header) on a writable stream; the stream stays open.</summary>
    /// <param name="destination">The stream.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The writer.</returns>
    public static async Task<SubmissionParquetWriter> CreateAsync(Stream destination, SubmissionParquetWriteOptions? options, CancellationToken cancellationToken)
    {
        var schema = Create();
        var writer = await ParquetWriter.CreateAsync(schema.Schema, destination, null, false, cancellationToken).ConfigureAwait(false);
        return new SubmissionParquetWriter(writer, schema, (options ?? new SubmissionParquetWriteOptions()).RowGroupSize);
    }

    /// <summary>Adds a task's rows, writing out each row group as it fills.</summary>
    /// <param name="submission">The task.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the rows are buffered or written.</returns>
    /// <exception cref="ArgumentException">The task was already written, or has no id.</exception>
    public async ValueTask AddAsync(TaskSubmission submission, CancellationToken cancellationToken)
    {
        TaskSubmissionGrouper.CheckWritable(submission, _taskIds, "rows");
        foreach (var attempt in submission.Attempts)
        {
            AddRow(submission.TaskId, attempt);
            if (BufferedRows >= _rowGroupSize)
            {
                await FlushRowGroupAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes the last row group and the footer. Not called after a failure, so that a half-written file never has a footer and never reads as complete.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is complete.</returns>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushRowGroupAsync(cancellationToken).ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    private static DateTime? ToUtcMicroseconds(DateTimeOffset? value)
    {
        if (value is not { } timestamp)
        {
            return null;
        }

        // The column holds microseconds: truncate here so that what is written is exactly what reads back.
        var ticks = timestamp.UtcTicks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }

    private void AddRow(string taskId, SubmissionAttempt attempt)
    {
        _taskId.Add(taskId);
        _pairIndex.Add(attempt.PairIndex);
        _attempt.Add(attempt.AttemptNumber);
        AddAnswer(attempt);
        _correct.Add(attempt.ReportedCorrect);
        _model.Add(attempt.Model);
        _provider.Add(attempt.Provider);
        _start.Add(ToUtcMicroseconds(attempt.StartedAt));
        _end.Add(ToUtcMicroseconds(attempt.EndedAt));
        _userPrompt.Add(attempt.UserPrompt);
        _assistant.Add(attempt.AssistantContent);
        _reasoning.Add(attempt.ReasoningSummary);
        _promptTokens.Add(attempt.PromptTokens);
        _completionTokens.Add(attempt.CompletionTokens);
        _reasoningTokens.Add(attempt.ReasoningTokens);
        _totalTokens.Add(attempt.TotalTokens);
        _totalCost.Add(attempt.TotalCost);
        _rawJson.Add(string.IsNullOrEmpty(attempt.RawJson) ? AttemptJson.Synthesize(attempt, answerCells: null) : attempt.RawJson);
        Rows++;
    }

    private void AddAnswer(SubmissionAttempt attempt)
    {
        if (attempt.Answer is { } grid)
        {
            var cells = grid.Cells;
            for (var i = 0; i < cells.Length; i++)
            {
                _cells.Add(cells[i]);
                _cellDefinitions.Add(CellLevel);
                _cellRepetitions.Add(i == 0 ? NewRecordRepetition : i % grid.Width == 0 ? NewRowRepetition : NextCellRepetition);
            }

            return;
        }

        // Not a valid grid: keep the cells as the submission gave them (ragged, out of range, empty), so that a reader
        // reaches the same verdict; null when they are not even rows of integers (the raw JSON still has them).
        var rows = AttemptJson.TryReadAnswerCells(attempt.RawJson);
        if (rows is null)
        {
            _cellDefinitions.Add(AnswerNullLevel);
            _cellRepetitions.Add(NewRecordRepetition);
            return;
        }

        if (rows.Length == 0)
        {
            _cellDefinitions.Add(AnswerEmptyLevel);
            _cellRepetitions.Add(NewRecordRepetition);
            return;
        }

        for (var r = 0; r < rows.Length; r++)
        {
            var rowRepetition = r == 0 ? NewRecordRepetition : NewRowRepetition;
            var row = rows[r];
            if (row.Length == 0)
            {
                _cellDefinitions.Add(RowEmptyLevel);
                _cellRepetitions.Add(rowRepetition);
                continue;
            }

            for (var c = 0; c < row.Length; c++)
            {
                _cells.Add(row[c]);
                _cellDefinitions.Add(CellLevel);
                _cellRepetitions.Add(c == 0 ? rowRepetition : NextCellRepetition);
            }
        }
    }

    private async ValueTask FlushRowGroupAsync(CancellationToken cancellationToken)
    {
        if (BufferedRows == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var s = _schema;
        using (var rowGroup = _writer.CreateRowGroup())
        {
            // Columns go in schema order.
            await rowGroup.WriteAsync(s.TaskIdField, _taskId.Segment, null).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.PairIndexField, _pairIndex.Memory, null, null, cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.AttemptField, _attempt.Memory, null, null, cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAllPartsAsync(s.AnswerCellField, _cells.Memory, _cellDefinitions.Memory, _cellRepetitions.Memory, cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.CorrectField, _correct.Memory, null, null, cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.ModelField, _model.Segment, null).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.ProviderField, _provider.Segment, null).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.StartField, _start.Memory, null, null, cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.EndField, _end.Memory, null, null, cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.UserPromptField, _userPrompt.Segment, null).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.AssistantField, _assistant.Segment, null).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.ReasoningField, _reasoning.Segment, null).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.PromptTokensField, _promptTokens.Memory, null, null, cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.CompletionTokensField, _completionTokens.Memory, null, null, cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.ReasoningTokensField, _reasoningTokens.Memory, null, null, cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.TotalTokensField, _totalTokens.Memory, null, null, cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.TotalCostField, _totalCost.Memory, null, null, cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(s.RawJsonField, _rawJson.Segment, null).ConfigureAwait(false);
            rowGroup.CompleteValidate();
        }

        _taskId.Clear();
        _pairIndex.Clear();
        _attempt.Clear();
        _cells.Clear();
        _cellDefinitions.Clear();
        _cellRepetitions.Clear();
        _correct.Clear();
        _model.Clear();
        _provider.Clear();
        _start.Clear();
        _end.Clear();
        _userPrompt.Clear();
        _assistant.Clear();
        _reasoning.Clear();
        _promptTokens.Clear();
        _completionTokens.Clear();
        _reasoningTokens.Clear();
        _totalTokens.Clear();
        _totalCost.Clear();
        _rawJson.Clear();
    }
}
