namespace Ingestion.HuggingFace;

/// <summary>
/// Reads and writes submissions as Parquet: one flat row per task × test pair × attempt (the columns are described in
/// <c>docs/submission-formats.md</c>), the rows of a task contiguous. Reading and writing go a row group at a time, so
/// memory follows the row-group size, not the file size.
/// </summary>
public static class SubmissionParquet
{
    /// <summary>
    /// Reads the tasks of a Parquet file, one row group at a time: consecutive rows with the same <c>task_id</c> make
    /// one <see cref="TaskSubmission"/> (a task may span row groups). Files written by other tools read too: any column
    /// may be OPTIONAL, integers may be int32 or int64, unknown columns are ignored, and missing optional columns read
    /// as nulls (a missing <c>raw_json</c> is made up from the row).
    /// </summary>
    /// <param name="stream">The file. It must be readable and seekable (Parquet keeps its index at the end of the file); it is left open.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tasks, in file order, each handed out when its last row has been read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot read or seek.</exception>
    /// <exception cref="SubmissionFormatException">
    /// While enumerating: the file is not Parquet, is truncated or damaged, lacks a <c>task_id</c>, <c>pair_index</c>
    /// or <c>attempt</c> column or value, has a known column of the wrong type, or has a task whose rows are not
    /// contiguous (its id comes back after another task's rows). Nothing but this and
    /// <see cref="OperationCanceledException"/> is thrown while enumerating.
    /// </exception>
    public static IAsyncEnumerable<TaskSubmission> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("A Parquet file is read from a readable, seekable stream (its index is at the end); copy a network stream to a file first.", nameof(stream));
        }

        return SubmissionParquetReader.ReadAsync(stream, cancellationToken);
    }

    /// <summary>
    /// Writes tasks as a Parquet file: the rows of each task in the order of its attempts, a row group every
    /// <see cref="SubmissionParquetWriteOptions.RowGroupSize"/> rows. The answer column holds the grid, or for an
    /// answer that is not a valid grid the cells the submission gave (taken from <see cref="SubmissionAttempt.RawJson"/>),
    /// or null when they are not rows of integers; <c>raw_json</c> holds <see cref="SubmissionAttempt.RawJson"/>.
    /// Timestamps are stored as UTC microseconds (finer ticks are dropped).
    /// </summary>
    /// <param name="submissions">The tasks, each task id once.</param>
    /// <param name="destination">A writable stream (it need not seek); it is left open. When the write fails, it holds an incomplete file without a footer, which no reader accepts.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is complete.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="submissions"/> or <paramref name="destination"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> cannot write, or a task id is empty or comes twice.</exception>
    public static async Task WriteAsync(IAsyncEnumerable<TaskSubmission> submissions, Stream destination, SubmissionParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        CheckDestination(destination);
        var writer = await SubmissionParquetWriter.CreateAsync(destination, options, cancellationToken).ConfigureAwait(false);
        await foreach (var submission in submissions.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await writer.AddAsync(submission, cancellationToken).ConfigureAwait(false);
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="WriteAsync(IAsyncEnumerable{TaskSubmission}, Stream, SubmissionParquetWriteOptions?, CancellationToken)"/>
    public static async Task WriteAsync(IEnumerable<TaskSubmission> submissions, Stream destination, SubmissionParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        CheckDestination(destination);
        var writer = await SubmissionParquetWriter.CreateAsync(destination, options, cancellationToken).ConfigureAwait(false);
        foreach (var submission in submissions)
        {
            await writer.AddAsync(submission, cancellationToken).ConfigureAwait(false);
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static void CheckDestination(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The destination stream cannot be written.", nameof(destination));
        }
    }
}
