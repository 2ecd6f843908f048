using System.Runtime.CompilerServices;

namespace Ingestion.HuggingFace;

/// <summary>
/// Converts a model's folder of arcprize task files (<c>{taskId}.json</c>, as the arc-agi-benchmarking submissions hold
/// them) into one Parquet or JSONL file. Task files are read one at a time, so memory stays flat whatever the folder's
/// size; a malformed task file is reported and left out, and does not stop the conversion.
/// </summary>
public static class SubmissionConverter
{
    private const string ResultsFile = "results.json";

    /// <summary>
    /// Converts a folder of task files into one Parquet file (see <see cref="SubmissionParquet"/>), the tasks sorted by
    /// id (ordinal). <c>results.json</c> and files that do not end in <c>.json</c> are skipped. The file is written next
    /// to <paramref name="destinationFile"/> under a temporary name and renamed when complete (replacing an existing
    /// file), so a failed or cancelled conversion leaves no destination file behind.
    /// </summary>
    /// <param name="folder">The model's folder.</param>
    /// <param name="destinationFile">The Parquet file to write; its folder must exist.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the conversion.</param>
    /// <returns>How many tasks and rows were written, and the task files left out with why.</returns>
    /// <exception cref="ArgumentException"><paramref name="folder"/> or <paramref name="destinationFile"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> or the destination's folder does not exist.</exception>
    /// <exception cref="IOException">The destination cannot be written.</exception>
    public static Task<SubmissionConversionResult> ConvertFolderToParquetAsync(string folder, string destinationFile, SubmissionParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
        => ConvertAsync(folder, destinationFile, (tasks, stream, ct) => SubmissionParquet.WriteAsync(tasks, stream, options, ct), cancellationToken);

    /// <summary>
    /// Converts a folder of task files into one JSONL file (see <see cref="SubmissionJsonLines"/>), in the same way as
    /// <see cref="ConvertFolderToParquetAsync"/>.
    /// </summary>
    /// <param name="folder">The model's folder.</param>
    /// <param name="destinationFile">The JSONL file to write; its folder must exist.</param>
    /// <param name="cancellationToken">Cancels the conversion.</param>
    /// <returns>How many tasks and rows were written, and the task files left out with why.</returns>
    /// <exception cref="ArgumentException"><paramref name="folder"/> or <paramref name="destinationFile"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> or the destination's folder does not exist.</exception>
    /// <exception cref="IOException">The destination cannot be written.</exception>
    public static Task<SubmissionConversionResult> ConvertFolderToJsonLinesAsync(string folder, string destinationFile, CancellationToken cancellationToken = default)
        => ConvertAsync(folder, destinationFile, SubmissionJsonLines.WriteAsync, cancellationToken);

    private static async Task<SubmissionConversionResult> ConvertAsync(
        string folder,
        string destinationFile,
        Func<IAsyncEnumerable<TaskSubmission>, Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentException.ThrowIfNullOrEmpty(destinationFile);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The submission folder '{folder}' does not exist.");
        }

        var destination = Path.GetFullPath(destinationFile);
        var temporary = Path.Combine(Path.GetDirectoryName(destination)!, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        var source = new FolderSource(ListTaskFiles(folder));
        try
        {
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await write(source.ReadAsync(cancellationToken), stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, destination, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        return new SubmissionConversionResult(source.Tasks, source.Rows, source.Failures);
    }

    private static List<(string TaskId, string Path)> ListTaskFiles(string folder)
    {
        var files = new List<(string TaskId, string Path)>();
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(path);
            if (!name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || name.Equals(ResultsFile, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var taskId = name[..^".json".Length];
            if (taskId.Length > 0)
            {
                files.Add((taskId, path));
            }
        }

        files.Sort(static (a, b) => string.CompareOrdinal(a.TaskId, b.TaskId));
        return files;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the conversion's own error is the one to report.
        }
        catch (UnauthorizedAccessException)
        {
            // The same.
        }
    }

    /// <summary>The folder's tasks, read one file at a time as the writer asks for them, counting what goes through.</summary>
    private sealed class FolderSource(List<(string TaskId, string Path)> files)
    {
        private readonly List<SubmissionConversionFailure> _failures = [];

        public int Tasks { get; private set; }

        public long Rows { get; private set; }

        public IReadOnlyList<SubmissionConversionFailure> Failures => _failures;

        public async IAsyncEnumerable<TaskSubmission> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var (taskId, path) in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                TaskSubmission submission;
                try
                {
                    var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    await using (stream.ConfigureAwait(false))
                    {
                        submission = await SubmissionJson.ReadTaskFileAsync(stream, taskId, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is SubmissionFormatException or IOException or UnauthorizedAccessException)
                {
                    _failures.Add(new SubmissionConversionFailure(taskId, ex.Message));
                    continue;
                }

                Tasks++;
                Rows += submission.Attempts.Count;
                yield return submission;
            }
        }
    }
}
