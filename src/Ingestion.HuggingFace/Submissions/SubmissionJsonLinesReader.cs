using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Ingestion.HuggingFace;

/// <summary>
/// Reads JSONL submissions line by line off a <see cref="PipeReader"/>: only the line being parsed is buffered, then
/// parsed as UTF-8 JSON and turned into an attempt; consecutive lines of a task make one <see cref="TaskSubmission"/>.
/// </summary>
internal static class SubmissionJsonLinesReader
{
    /// <summary>The longest line accepted: far beyond any real attempt, short of buffering a file that has no line breaks.</summary>
    internal const int MaxLineBytes = 64 * 1024 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static async IAsyncEnumerable<TaskSubmission> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        try
        {
            var grouper = new TaskSubmissionGrouper();
            long lineNumber = 0;
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    lineNumber++;
                    if (ReadLine(line, lineNumber) is { } attempt && grouper.Add(attempt, "line", lineNumber) is { } task)
                    {
                        yield return task;
                    }
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        lineNumber++; // the last line, without a line break
                        if (ReadLine(buffer, lineNumber) is { } attempt && grouper.Add(attempt, "line", lineNumber) is { } task)
                        {
                            yield return task;
                        }
                    }

                    break;
                }

                if (buffer.Length > MaxLineBytes)
                {
                    throw new SubmissionFormatException($"Line {lineNumber + 1} is longer than {MaxLineBytes / (1024 * 1024)} MiB; is this a JSONL file?");
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }

            if (grouper.Complete() is { } last)
            {
                yield return last;
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var end = buffer.PositionOf((byte)'\n');
        if (end is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, end.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        return true;
    }

    /// <summary>Reads one line; <see langword="null"/> for a blank one.</summary>
    private static SubmissionAttempt? ReadLine(ReadOnlySequence<byte> line, long lineNumber)
    {
        if (lineNumber == 1 && line.Length >= 3)
        {
            Span<byte> start = stackalloc byte[3];
            line.Slice(0, 3).CopyTo(start);
            if (start.SequenceEqual(Encoding.UTF8.Preamble))
            {
                line = line.Slice(3);
            }
        }

        if (IsBlank(line))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new SubmissionFormatException($"Line {lineNumber}: not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SubmissionFormatException($"Line {lineNumber}: {root.ValueKind.ToString().ToLowerInvariant()}, not an attempt object.");
            }

            var taskId = root.TryGetProperty(SubmissionParquetSchema.TaskId, out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            if (string.IsNullOrEmpty(taskId))
            {
                throw new SubmissionFormatException($"Line {lineNumber}: no {SubmissionParquetSchema.TaskId} (a non-empty string).");
            }

            var attemptNumber = Integer(root, SubmissionParquetSchema.Attempt, min: 1)
                ?? throw new SubmissionFormatException($"Line {lineNumber}: no {SubmissionParquetSchema.Attempt} (an integer from 1).");
            int? pairIndex = null;
            if (root.TryGetProperty(SubmissionParquetSchema.PairIndex, out _))
            {
                pairIndex = Integer(root, SubmissionParquetSchema.PairIndex, min: 0)
                    ?? throw new SubmissionFormatException($"Line {lineNumber}: {SubmissionParquetSchema.PairIndex} is not an integer from 0.");
            }

            return SubmissionJson.ReadAttempt(root, taskId, pairIndex ?? 0, attemptNumber, pairIndex, AttemptObject(root));
        }
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static int? Integer(JsonElement root, string name, int min)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min
            ? number
            : null;

    // The attempt object without the row's own keys, as the arcprize layout holds it.
    private static string AttemptObject(JsonElement line)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, AttemptJson.WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var property in line.EnumerateObject())
            {
                if (!SubmissionJsonLinesWriter.IsRowKey(property.Name))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
