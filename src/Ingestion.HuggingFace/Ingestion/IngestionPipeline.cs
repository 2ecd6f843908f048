using System.Data.Common;
using System.Net.Sockets;
using Ingestion.Core;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Ingestion.HuggingFace;

/// <summary>The submission formats a model folder can hold.</summary>
internal enum SubmissionFormat
{
    /// <summary>One arcprize JSON file per task, <c>{taskId}.json</c>.</summary>
    TaskFiles,

    /// <summary>JSONL files, one row per task × test pair × attempt.</summary>
    JsonLines,

    /// <summary>Parquet files, one row per task × test pair × attempt.</summary>
    Parquet,
}

/// <summary>
/// The ingestion of one model folder: per puzzle, check pause and cancellation, fetch and read the submission, check it
/// against the puzzle, skip or overwrite what is there, write the records and the checkpoint in one commit, count and log.
/// </summary>
internal sealed class IngestionPipeline
{
    private static readonly TimeSpan ResultsInterval = TimeSpan.FromMilliseconds(250);

    private readonly HuggingFaceIngestionParameters _parameters;
    private readonly ISubmissionSource _source;
    private readonly ArcTaskSet _tasks;
    private readonly IExplanationRepository _repository;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _checkpointInterval;

    private PipelineControl _control = null!;
    private IngestionTotals _totals = new();
    private long _position;
    private RowCursor _cursor;
    private long _lastCheckpointSave;
    private long _lastResultsPublished;
    private long _total;

    public IngestionPipeline(
        HuggingFaceIngestionParameters parameters,
        ISubmissionSource source,
        ArcTaskSet tasks,
        IExplanationRepository repository,
        TimeProvider time,
        ILogger logger,
        TimeSpan checkpointInterval)
    {
        _parameters = parameters;
        _source = source;
        _tasks = tasks;
        _repository = repository;
        _time = time;
        _logger = logger;
        _checkpointInterval = checkpointInterval;
    }

    public static SubmissionFormat DetectFormat(IReadOnlyList<SourceEntry> files)
    {
        if (files.Any(static f => IsRowFile(f, SubmissionFormat.Parquet)))
        {
            return SubmissionFormat.Parquet;
        }

        return files.Any(static f => IsRowFile(f, SubmissionFormat.JsonLines)) ? SubmissionFormat.JsonLines : SubmissionFormat.TaskFiles;
    }

    /// <summary>Whether a file of a model folder holds rows of a format: <c>*.parquet</c> or <c>*.jsonl</c>.</summary>
    public static bool IsRowFile(SourceEntry file, SubmissionFormat format)
        => file.Name.EndsWith(format == SubmissionFormat.Parquet ? ".parquet" : ".jsonl", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads the submissions of a file of rows. Parquet is read from its footer back, so a download that cannot seek is
    /// first spooled to a temporary file; <paramref name="stream"/> is then disposed, and the spool with the enumeration.
    /// </summary>
    public static async IAsyncEnumerable<TaskSubmission> ReadRowsAsync(
        SubmissionFormat format,
        Stream stream,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var readable = format == SubmissionFormat.Parquet && !stream.CanSeek ? await SpoolAsync(stream, cancellationToken).ConfigureAwait(false) : stream;
        await using (readable.ConfigureAwait(false))
        {
            var rows = format == SubmissionFormat.Parquet
                ? SubmissionParquet.ReadAsync(readable, cancellationToken)
                : SubmissionJsonLines.ReadAsync(readable, cancellationToken);
            await foreach (var submission in rows.ConfigureAwait(false))
            {
                yield return submission;
            }
        }
    }

    public async Task<IngestionTotals> RunAsync(PipelineControl control, CancellationToken cancellationToken)
    {
        _control = control;
        var folder = _parameters.ModelFolder;
        var listing = await _source.ListFolderAsync(folder, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The dataset {_parameters.Dataset} has no model folder '{folder}' ({_source.Location}).");
        var format = DetectFormat(listing);

        var checkpoint = await LoadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (checkpoint is not null)
        {
            _totals = checkpoint.Totals;
            _position = checkpoint.Position;
            _cursor = new RowCursor(checkpoint.FileIndex, checkpoint.TasksInFile, checkpoint.TailDone);
            _totals.CatchUp(control.Progress);
        }

        var total = _parameters.Limit is { } limit ? Math.Min(limit, _tasks.Count) : _tasks.Count;
        _total = total;
        control.Progress.SetTotal(total + _totals.ExtraItems);
        var formatName = format.ToString();
        var resumed = checkpoint is null ? "" : FormattableString.Invariant($" (resuming after {_position} puzzles)");
        IngestionLog.Started(_logger, _parameters.Dataset, folder, _source.Location, formatName, total, _tasks.Name, resumed);

        if (format == SubmissionFormat.TaskFiles)
        {
            await RunTaskFilesAsync(listing, total, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RunRowFilesAsync(listing, format, (int)total, cancellationToken).ConfigureAwait(false);
        }

        control.Progress.SetCurrentItem(null);
        if (control.SaveCheckpoint is not null && control.JobId is not null)
        {
            await control.SaveCheckpoint(CreateCheckpoint(_totals, _position, _cursor, _control.Progress.CurrentItem).Serialize()).ConfigureAwait(false);
        }

        PublishResults(force: true);
        IngestionLog.Finished(
            _logger,
            _totals.Succeeded,
            _totals.Failed,
            _totals.Skipped,
            _totals.NotFound,
            _totals.AttemptsSaved,
            _totals.PredictionsCorrect,
            _totals.Predictions,
            _totals.TestPairs == 0 ? 0 : _totals.SolvedPairs / (double)_totals.TestPairs);
        return _totals;
    }

    private async ValueTask<IngestionCheckpoint?> LoadCheckpointAsync(CancellationToken cancellationToken)
    {
        // The repository's checkpoint was committed with the records, so it is the truth; the job store's may lag it.
        string? text = null;
        if (_control.JobId is not null)
        {
            try
            {
                text = await _repository.GetCheckpointAsync(_control.JobId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
            {
                throw StoreUnavailable("reading the job's checkpoint", puzzleId: null, ex);
            }
        }

        text ??= _control.Checkpoint;
        var checkpoint = IngestionCheckpoint.TryParse(text);
        if (checkpoint is null && !string.IsNullOrWhiteSpace(text))
        {
            // Starting over would count everything a second time on top of the restored counters.
            throw new InvalidOperationException("The job's checkpoint cannot be read, so it cannot be resumed; start a new job (with skipDuplicates, what is written is kept).");
        }

        if (checkpoint is not null
            && (!string.Equals(checkpoint.Dataset, _parameters.Dataset, StringComparison.Ordinal)
                || !string.Equals(checkpoint.ModelFolder, _parameters.ModelFolder, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException(
                $"The checkpoint is for {checkpoint.Dataset}/{checkpoint.ModelFolder}, not {_parameters.Dataset}/{_parameters.ModelFolder}.");
        }

        return checkpoint;
    }

    private async Task RunTaskFilesAsync(IReadOnlyList<SourceEntry> listing, long total, CancellationToken cancellationToken)
    {
        var etags = new Dictionary<string, string?>(listing.Count, StringComparer.Ordinal);
        foreach (var entry in listing)
        {
            etags[entry.Name] = entry.ETag;
        }

        var start = (int)Math.Min(_position, total);
        var count = (int)total - start;
        if (count <= 0)
        {
            return;
        }

        var concurrency = _parameters.Concurrency;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var window = new SemaphoreSlim(concurrency, concurrency);

        // Held by whoever does the work that a pause must not overlap: the consumer while it writes a puzzle, the
        // producer while it waits out a pause. The producer's wait acknowledges the pause too (as any check does), so
        // it first waits for the puzzle being written: "Paused" then means no puzzle is half done, and none starts
        // until the resume, as architecture.md promises of every body.
        using var working = new SemaphoreSlim(1, 1);
        var fetches = Channel.CreateBounded<Task<PuzzleInput>>(new BoundedChannelOptions(concurrency) { SingleReader = true, SingleWriter = true });
        var delay = TimeSpan.FromMilliseconds(_parameters.DelayMs);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        await window.WaitAsync(stop.Token).ConfigureAwait(false);
                        if (delay > TimeSpan.Zero && i > 0)
                        {
                            await Task.Delay(delay, _time, stop.Token).ConfigureAwait(false);
                        }

                        // A paused job starts no request.
                        if (_control.Pause.IsPaused)
                        {
                            await working.WaitAsync(stop.Token).ConfigureAwait(false);
                            try
                            {
                                await _control.Pause.WaitIfPausedAsync(stop.Token).ConfigureAwait(false);
                            }
                            finally
                            {
                                working.Release();
                            }
                        }

                        var id = _tasks.TaskIds[start + i];
                        var fileName = id + ".json";
                        var fetch = FetchTaskFileAsync(id, fileName, etags.GetValueOrDefault(fileName), stop.Token);

                        // The window's permit guarantees room, so the write cannot wait (and the fetch cannot be lost).
                        if (!fetches.Writer.TryWrite(fetch))
                        {
                            throw new InvalidOperationException("The prefetch window is out of step.");
                        }
                    }

                    fetches.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    fetches.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);

        try
        {
            while (true)
            {
                // Between two writes: a pause that came during the last one is acknowledged here at once, without
                // waiting for the next download (nothing is being written; only this loop writes).
                await _control.Pause.WaitIfPausedAsync(cancellationToken).ConfigureAwait(false);
                if (!await fetches.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                fetches.Reader.TryRead(out var fetch);
                var input = await fetch!.ConfigureAwait(false);
                window.Release();

                // And right before the write: a file that arrived while pausing waits here, unwritten.
                await working.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await _control.Pause.WaitIfPausedAsync(cancellationToken).ConfigureAwait(false);
                    await ProcessAsync(input, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // A write that ends the run: the download loop must not take the turn and call the job paused on
                    // its way out.
                    await stop.CancelAsync().ConfigureAwait(false);
                    throw;
                }
                finally
                {
                    working.Release();
                }
            }

            // Surfaces a producer failure (cancellation included) that completed the channel.
            await fetches.Reader.Completion.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
            while (fetches.Reader.TryRead(out var pending))
            {
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Abandoned fetches (cancelled, or failed after the run stopped) have nothing left to report.
                }
            }
        }
    }

    private async Task<PuzzleInput> FetchTaskFileAsync(string id, string fileName, string? etag, CancellationToken cancellationToken)
    {
        // Runs the download and the parse off the consumer, so a window of files is read while one is validated.
        await Task.Yield();
        try
        {
            var stream = await _source.OpenAsync(_parameters.ModelFolder, fileName, etag, cancellationToken).ConfigureAwait(false);
            if (stream is null)
            {
                return PuzzleInput.Missing(id);
            }

            await using (stream.ConfigureAwait(false))
            {
                return PuzzleInput.Read(await SubmissionJson.ReadTaskFileAsync(stream, id, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (!SourceErrors.IsFatal(ex, cancellationToken))
        {
            return PuzzleInput.Broken(id, SourceErrors.Describe(ex));
        }
    }

    private async Task RunRowFilesAsync(IReadOnlyList<SourceEntry> listing, SubmissionFormat format, int total, CancellationToken cancellationToken)
    {
        // The puzzles of the run are the first `total` of the set in id order, as with task files; rows of other
        // puzzles of the set are passed over, rows of puzzles the set does not have fail (as extra items).
        var files = listing.Where(f => IsRowFile(f, format)).ToArray();
        var selected = new HashSet<string>(_tasks.TaskIds.Take(total), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var delay = TimeSpan.FromMilliseconds(_parameters.DelayMs);
        var resumeAt = _cursor;
        for (var f = resumeAt.FileIndex; f < files.Length && _totals.SelectedSeen < selected.Count; f++)
        {
            var file = files[f];
            await _control.Pause.WaitIfPausedAsync(cancellationToken).ConfigureAwait(false);
            if (delay > TimeSpan.Zero && f > resumeAt.FileIndex)
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }

            var skip = f == resumeAt.FileIndex ? resumeAt.TasksInFile : 0;
            Stream stream;
            try
            {
                stream = await _source.OpenAsync(_parameters.ModelFolder, file.Name, file.ETag, cancellationToken).ConfigureAwait(false)
                    ?? throw new FileNotFoundException($"{file.Name} was listed but is gone.");
            }
            catch (Exception ex) when (!SourceErrors.IsFatal(ex, cancellationToken))
            {
                await FailFileAsync(file.Name, f, SourceErrors.Describe(ex), cancellationToken).ConfigureAwait(false);
                continue;
            }

            await using (stream.ConfigureAwait(false))
            {
                var rows = ReadRowsAsync(format, stream, cancellationToken);
                var enumerator = rows.GetAsyncEnumerator(cancellationToken);
                await using (enumerator.ConfigureAwait(false))
                {
                    var inFile = 0;
                    while (_totals.SelectedSeen < selected.Count)
                    {
                        bool more;
                        try
                        {
                            more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                        }
                        catch (Exception ex) when (!SourceErrors.IsFatal(ex, cancellationToken))
                        {
                            // The rest of this file cannot be read; its puzzles not reached are counted as not found at the end.
                            await FailFileAsync(file.Name, f, SourceErrors.Describe(ex), cancellationToken).ConfigureAwait(false);
                            break;
                        }

                        if (!more)
                        {
                            break;
                        }

                        inFile++;
                        if (inFile <= skip)
                        {
                            continue;
                        }

                        var submission = enumerator.Current;
                        var id = submission.TaskId;
                        var cursor = new RowCursor(f, inFile, false);
                        if (selected.Contains(id))
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            await _control.Pause.WaitIfPausedAsync(cancellationToken).ConfigureAwait(false);
                            var first = seen.Add(id);
                            await ProcessAsync(PuzzleInput.Read(submission), cursor, first ? static t => t.SelectedSeen++ : null, cancellationToken).ConfigureAwait(false);
                        }
                        else if (!_tasks.Contains(id))
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            await ProcessAsync(PuzzleInput.Broken(id, $"'{id}' is not a puzzle of {_tasks.Name}."), cursor, static t => t.ExtraItems++, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }
        }

        var missing = selected.Count - _totals.SelectedSeen;
        if (missing > 0 && !_cursor.TailDone)
        {
            IngestionLog.NotFoundTail(_logger, missing, _tasks.Name, _parameters.ModelFolder);
            var next = _totals.Clone();
            next.NotFound += missing;
            var cursor = _cursor with { TailDone = true };
            await CommitAsync(null, [], next, _position + 1, cursor, cancellationToken).ConfigureAwait(false);
            (_totals, _position, _cursor) = (next, _position + 1, cursor);
            _control.Progress.GetCounter(IngestionTotals.NotFoundCounter).Increment(missing);
            _control.Progress.IncrementProcessed(missing);
        }
    }

    /// <summary>A file of rows that does not open or breaks part way: one failed item, named by the file; the next run starts after it.</summary>
    private ValueTask FailFileAsync(string fileName, int fileIndex, string reason, CancellationToken cancellationToken)
        => ProcessAsync(PuzzleInput.Broken(fileName, reason), new RowCursor(fileIndex + 1, 0, false), static t => t.ExtraItems++, cancellationToken);

    /// <summary>Copies a download to a temporary file only this user can read (Parquet is read from its footer back), deleted when closed.</summary>
    private static async Task<Stream> SpoolAsync(Stream download, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), "ingestion-" + Guid.NewGuid().ToString("N") + ".parquet");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous | FileOptions.DeleteOnClose,
            BufferSize = 64 * 1024,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var spool = new FileStream(path, options);
        try
        {
            await using (download.ConfigureAwait(false))
            {
                await download.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
            }

            spool.Position = 0;
            return spool;
        }
        catch
        {
            await spool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private ValueTask ProcessAsync(PuzzleInput input, CancellationToken cancellationToken)
        => ProcessAsync(input, _cursor, null, cancellationToken);

    /// <summary>
    /// One puzzle: its outcome is worked out on a copy of the totals, committed with its records and the checkpoint,
    /// and only then taken as the run's (and shown in the progress), so a failed commit leaves the run where the
    /// repository is.
    /// </summary>
    private async ValueTask ProcessAsync(PuzzleInput input, RowCursor cursor, Action<IngestionTotals>? adjust, CancellationToken cancellationToken)
    {
        var progress = _control.Progress;
        var id = input.PuzzleId;
        progress.SetCurrentItem(id);
        var next = _totals.Clone();
        adjust?.Invoke(next);

        if (input.IsMissing)
        {
            next.NotFound++;
            await CommitAsync(id, [], next, _position + 1, cursor, cancellationToken).ConfigureAwait(false);
            Advance(next, cursor);
            progress.GetCounter(IngestionTotals.NotFoundCounter).Increment();
            progress.IncrementProcessed();
            IngestionLog.NotFound(_logger, id, _parameters.ModelFolder);
            return;
        }

        string? failure = input.Error;
        PuzzleEvaluation? evaluation = null;
        if (failure is null)
        {
            try
            {
                evaluation = PuzzleEvaluator.Evaluate(
                    _tasks.GetTask(id),
                    input.Submission!,
                    _parameters.ModelFolder,
                    _parameters.Dataset,
                    _tasks.Name,
                    _time.GetUtcNow(),
                    _control.JobId);
                if (evaluation.Records.Count == 0)
                {
                    failure = "the submission has no attempts.";
                }
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                failure = "the puzzle file does not read: " + ex.Message;
            }
        }

        if (failure is not null)
        {
            await FailAsync(id, failure, next, cursor, cancellationToken).ConfigureAwait(false);
            return;
        }

        IReadOnlySet<string> existing;
        try
        {
            existing = await _repository.GetModelNamesAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            throw StoreUnavailable($"reading what is stored of {id}", id, ex);
        }

        var write = new List<ExplanationRecord>(evaluation!.Records.Count);
        var present = new List<string>();
        foreach (var record in evaluation.Records)
        {
            if (existing.Contains(record.ModelName))
            {
                present.Add(record.ModelName);
                if (_parameters.ForceOverwrite)
                {
                    write.Add(record);
                }
            }
            else
            {
                write.Add(record);
            }
        }

        if (present.Count > 0 && !_parameters.ForceOverwrite && !_parameters.SkipDuplicates)
        {
            await FailAsync(id, $"already ingested ({string.Join(", ", present)}); set skipDuplicates or forceOverwrite.", next, cursor, cancellationToken).ConfigureAwait(false);
            return;
        }

        var skippedAttempts = evaluation.Records.Count - write.Count;
        next.Add(evaluation);
        next.AttemptsSaved += write.Count;
        next.AttemptsSkipped += skippedAttempts;
        if (write.Count == 0)
        {
            next.Skipped++;
        }
        else
        {
            next.Succeeded++;
        }

        await CommitAsync(id, write, next, _position + 1, cursor, cancellationToken).ConfigureAwait(false);
        Advance(next, cursor);

        progress.GetCounter(IngestionTotals.PredictionsCounter).Increment(evaluation.Predictions);
        progress.GetCounter(IngestionTotals.PredictionsCorrectCounter).Increment(evaluation.CorrectPredictions);
        progress.GetCounter(IngestionTotals.ValidationErrorsCounter).Increment(evaluation.ValidationErrors);
        progress.GetCounter(IngestionTotals.AttemptsSavedCounter).Increment(write.Count);
        progress.GetCounter(IngestionTotals.AttemptsSkippedCounter).Increment(skippedAttempts);
        if (write.Count == 0)
        {
            progress.IncrementSkipped();
            IngestionLog.Skipped(_logger, id, evaluation.Records.Count);
        }
        else
        {
            progress.IncrementSucceeded();
            if (_parameters.DryRun)
            {
                IngestionLog.DryRun(_logger, id, write.Count, evaluation.Records.Count, evaluation.CorrectPredictions, evaluation.Predictions);
            }
            else
            {
                IngestionLog.Saved(_logger, id, write.Count, evaluation.Records.Count, evaluation.CorrectPredictions, evaluation.Predictions);
            }
        }

        if (_parameters.Verbose)
        {
            foreach (var record in evaluation.Records)
            {
                var invalid = record.Predictions.Count(static p => p.ValidationError is not null);
                IngestionLog.Attempt(
                    _logger,
                    id,
                    record.ModelName,
                    record.CorrectPredictions,
                    record.TestPairs,
                    invalid == 0 ? "" : FormattableString.Invariant($", {invalid} invalid"),
                    write.Contains(record) ? "" : " (already there)");
            }
        }

        PublishResults(force: false);
    }

    private async ValueTask FailAsync(string id, string reason, IngestionTotals next, RowCursor cursor, CancellationToken cancellationToken)
    {
        next.Failed++;
        await CommitAsync(id, [], next, _position + 1, cursor, cancellationToken).ConfigureAwait(false);
        Advance(next, cursor);
        _control.Progress.IncrementFailed();
        IngestionLog.Failed(_logger, id, reason);
        if (_parameters.StopOnError)
        {
            throw new PuzzleFailedException(id, reason);
        }
    }

    /// <summary>Takes a committed puzzle's totals as the run's; extra items (rows of unknown puzzles, broken files) raise the total.</summary>
    private void Advance(IngestionTotals next, RowCursor cursor)
    {
        var extra = next.ExtraItems != _totals.ExtraItems;
        (_totals, _position, _cursor) = (next, _position + 1, cursor);
        if (extra)
        {
            _control.Progress.SetTotal(_total + next.ExtraItems);
        }
    }

    private async ValueTask CommitAsync(string? lastPuzzleId, List<ExplanationRecord> records, IngestionTotals totals, long position, RowCursor cursor, CancellationToken cancellationToken)
    {
        var jobId = _control.JobId;
        string? checkpoint = null;
        if (jobId is not null)
        {
            checkpoint = CreateCheckpoint(totals, position, cursor, lastPuzzleId).Serialize();
        }

        if (!_parameters.DryRun && (records.Count > 0 || checkpoint is not null))
        {
            try
            {
                await _repository.CommitAsync(new ExplanationCommit(records, jobId, checkpoint), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
            {
                throw StoreUnavailable("writing the records of " + (lastPuzzleId ?? "the job"), lastPuzzleId, ex);
            }
        }

        // The job store's copy is for the history, and the only one in a dry run (which writes nothing to the
        // repository); it may lag the repository's by up to the interval.
        if (checkpoint is not null && _control.SaveCheckpoint is not null)
        {
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_lastCheckpointSave, now) >= _checkpointInterval)
            {
                _lastCheckpointSave = now;
                await _control.SaveCheckpoint(checkpoint).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Whether an exception from the repository means the store failed in a way that can pass (it went away, its disk
    /// is full, it timed out): a database exception other than a data error, an I/O error, a timeout, a socket error.
    /// Its transaction did not commit, so nothing of the puzzle is stored. Anything else (a record the database refuses,
    /// a bug) would fail again on resume, so it fails the job as it is.
    /// </summary>
    private static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is JobInterruptedException || (exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return false;
        }

        return exception switch
        {
            DbException database => !IsDataError(database.SqlState),
            IOException or TimeoutException or SocketException => true,
            _ => false,
        };
    }

    /// <summary>SQLSTATE classes that say the data or the statement is wrong: 22 data exception, 23 integrity constraint violation, 42 syntax error or access rule violation.</summary>
    private static bool IsDataError(string? sqlState)
        => sqlState is { Length: 5 } && (sqlState.StartsWith("22", StringComparison.Ordinal) || sqlState.StartsWith("23", StringComparison.Ordinal) || sqlState.StartsWith("42", StringComparison.Ordinal));

    /// <summary>
    /// Ends the run as Interrupted, not Failed: the records and checkpoint commit together, so the store holds whole
    /// puzzles only and its checkpoint matches them; once the store is back, resume carries on from there.
    /// </summary>
    private JobInterruptedException StoreUnavailable(string what, string? puzzleId, Exception exception)
    {
        var committed = _position.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var notWritten = puzzleId is null ? string.Empty : $" Nothing of {puzzleId} was written;";
        return new JobInterruptedException(
            $"The explanation store failed while {what}: {exception.Message}{notWritten} {committed} puzzles are committed with the checkpoint. Resume the job once the store is back.",
            exception);
    }

    private IngestionCheckpoint CreateCheckpoint(IngestionTotals totals, long position, RowCursor cursor, string? lastPuzzleId) => new()
    {
        Dataset = _parameters.Dataset,
        ModelFolder = _parameters.ModelFolder,
        Position = position,
        LastPuzzleId = lastPuzzleId,
        FileIndex = cursor.FileIndex,
        TasksInFile = cursor.TasksInFile,
        TailDone = cursor.TailDone,
        Totals = totals,
    };

    /// <summary>Sets the summary so far as the job's results: a few times a second while running (a watcher sees it move), and at the end.</summary>
    private void PublishResults(bool force)
    {
        if (_control.SetResult is not { } set)
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (!force && _time.GetElapsedTime(_lastResultsPublished, now) < ResultsInterval)
        {
            return;
        }

        _lastResultsPublished = now;

        foreach (var (name, value) in _totals.Results())
        {
            set(name, value);
        }
    }
}

/// <summary>Where a run over files of rows is: the file, the tasks of it done, and whether the not-found tail is counted.</summary>
internal readonly record struct RowCursor(int FileIndex, int TasksInFile, bool TailDone);

/// <summary>A puzzle as the source gave it: read, missing, or broken.</summary>
internal readonly struct PuzzleInput
{
    private PuzzleInput(string puzzleId, TaskSubmission? submission, bool missing, string? error)
    {
        PuzzleId = puzzleId;
        Submission = submission;
        IsMissing = missing;
        Error = error;
    }

    public string PuzzleId { get; }

    public TaskSubmission? Submission { get; }

    public bool IsMissing { get; }

    public string? Error { get; }

    public static PuzzleInput Read(TaskSubmission submission) => new(submission.TaskId, submission, false, null);

    public static PuzzleInput Missing(string puzzleId) => new(puzzleId, null, true, null);

    public static PuzzleInput Broken(string puzzleId, string error) => new(puzzleId, null, false, error);
}
