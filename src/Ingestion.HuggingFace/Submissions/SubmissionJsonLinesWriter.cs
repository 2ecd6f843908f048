using System.Buffers;
using System.Text.Json;

namespace Ingestion.HuggingFace;

/// <summary>
/// Writes submissions as JSONL: per attempt one line, the attempt object (<see cref="SubmissionAttempt.RawJson"/>,
/// compacted) with <c>task_id</c>, <c>pair_index</c> and <c>attempt</c> put in front. Lines are gathered in a buffer
/// and written out every 64 KiB.
/// </summary>
internal sealed class SubmissionJsonLinesWriter : IDisposable
{
    private const int FlushBytes = 64 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    private readonly Stream _destination;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushBytes * 2);
    private readonly Utf8JsonWriter _json;
    private readonly HashSet<string> _taskIds = new(StringComparer.Ordinal);

    public SubmissionJsonLinesWriter(Stream destination)
    {
        _destination = destination;
        _json = new Utf8JsonWriter(_buffer, AttemptJson.WriterOptions);
    }

    /// <summary>Gets the number of lines written.</summary>
    public long Rows { get; private set; }

    /// <summary>Whether a top-level key is one of the row's own (not the attempt object's).</summary>
    /// <param name="name">The key.</param>
    /// <returns>Whether it is <c>task_id</c>, <c>pair_index</c> or <c>attempt</c>.</returns>
    public static bool IsRowKey(string name)
        => name is SubmissionParquetSchema.TaskId or SubmissionParquetSchema.PairIndex or SubmissionParquetSchema.Attempt;

    /// <summary>Adds a task's lines.</summary>
    /// <param name="submission">The task.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the lines are buffered or written.</returns>
    /// <exception cref="ArgumentException">The task was already written, or has no id.</exception>
    public async ValueTask AddAsync(TaskSubmission submission, CancellationToken cancellationToken)
    {
        TaskSubmissionGrouper.CheckWritable(submission, _taskIds, "lines");
        foreach (var attempt in submission.Attempts)
        {
            WriteLine(submission.TaskId, attempt);
            if (_buffer.WrittenCount >= FlushBytes)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes out what is buffered.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the lines are written.</returns>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.WrittenCount > 0)
        {
            await _destination.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            _buffer.ResetWrittenCount();
        }

        await _destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _json.Dispose();

    private static JsonDocument? TryParseObject(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException)
        {
            return null;
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            return document;
        }

        document.Dispose();
        return null;
    }

    private void WriteLine(string taskId, SubmissionAttempt attempt)
    {
        // A raw JSON that is not an object (set by a caller, not read from a file) is replaced by the attempt's properties.
        using (var document = TryParseObject(attempt.RawJson) ?? JsonDocument.Parse(AttemptJson.Synthesize(attempt, answerCells: null), DocumentOptions))
        {
            _json.Reset(_buffer);
            _json.WriteStartObject();
            _json.WriteString(SubmissionParquetSchema.TaskId, taskId);
            _json.WriteNumber(SubmissionParquetSchema.PairIndex, attempt.PairIndex);
            _json.WriteNumber(SubmissionParquetSchema.Attempt, attempt.AttemptNumber);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!IsRowKey(property.Name))
                {
                    property.WriteTo(_json);
                }
            }

            _json.WriteEndObject();
            _json.Flush();
        }

        _buffer.Write("\n"u8);
        Rows++;
    }
}
