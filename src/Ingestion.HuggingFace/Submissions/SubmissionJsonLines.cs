namespace Ingestion.HuggingFace;

/// <summary>
/// Reads and writes submissions as JSONL: one JSON object per line, the attempt object of the arcprize layout
/// (<c>{answer, correct, metadata{…}}</c>) with top-level <c>task_id</c>, <c>pair_index</c> and <c>attempt</c>
/// (1 for <c>attempt_1</c>). The lines of a task are contiguous.
/// </summary>
public static class SubmissionJsonLines
{
    /// <summary>
    /// Reads the tasks of a JSONL stream line by line (only the current line is buffered): consecutive lines with the
    /// same <c>task_id</c> make one <see cref="TaskSubmission"/>. Blank lines are skipped; the top-level
    /// <c>pair_index</c>, when present, wins over <c>metadata.pair_index</c>. An attempt's
    /// <see cref="SubmissionAttempt.RawJson"/> is the line's object without those three keys, compacted.
    /// </summary>
    /// <param name="stream">The JSONL text, UTF-8; it is left open.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tasks, in file order, each handed out when its last line has been read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot read.</exception>
    /// <exception cref="SubmissionFormatException">
    /// While enumerating, naming the line: a line is not a JSON object, lacks <c>task_id</c> or <c>attempt</c>, or
    /// belongs to a task whose lines are not contiguous (its id comes back after another task's lines).
    /// </exception>
    public static IAsyncEnumerable<TaskSubmission> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        return SubmissionJsonLinesReader.ReadAsync(stream, cancellationToken);
    }

    /// <summary>
    /// Writes tasks as JSONL, one line per attempt in the order given: <see cref="SubmissionAttempt.RawJson"/> compacted
    /// (an attempt whose raw JSON is not an object is written from its properties), with <c>task_id</c>,
    /// <c>pair_index</c> and <c>attempt</c> in front.
    /// </summary>
    /// <param name="submissions">The tasks, each task id once.</param>
    /// <param name="destination">A writable stream; it is left open.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when every line is written and the stream flushed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="submissions"/> or <paramref name="destination"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> cannot write, or a task id is empty or comes twice.</exception>
    public static async Task WriteAsync(IAsyncEnumerable<TaskSubmission> submissions, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        SubmissionParquet.CheckDestination(destination);
        using var writer = new SubmissionJsonLinesWriter(destination);
        await foreach (var submission in submissions.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await writer.AddAsync(submission, cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="WriteAsync(IAsyncEnumerable{TaskSubmission}, Stream, CancellationToken)"/>
    public static async Task WriteAsync(IEnumerable<TaskSubmission> submissions, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        SubmissionParquet.CheckDestination(destination);
        using var writer = new SubmissionJsonLinesWriter(destination);
        foreach (var submission in submissions)
        {
            await writer.AddAsync(submission, cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
