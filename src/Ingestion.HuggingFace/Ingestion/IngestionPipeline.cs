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
    private long _lastCheckpointSave;

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

    internal IngestionTotals Totals => _totals;

    public static SubmissionFormat DetectFormat(IReadOnlyList<SourceEntry> files)
    {
        if (files.Any(static f => f.Name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)))
        {
            return SubmissionFormat.Parquet;
        }

        return files.Any(static f => f.Name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)) ? SubmissionFormat.JsonLines : SubmissionFormat.TaskFiles;
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
            _totals.CatchUp(control.Progress);
        }

        var total = _parameters.Limit is { } limit ? Math.Min(limit, _tasks.Count) : _tasks.Count;
        control.Progress.SetTotal(total);
        var formatName = format.ToString();
        var resumed = checkpoint is null ? "" : FormattableString.Invariant($" (resuming after {_position} puzzles)");
        IngestionLog.Started(_logger, _parameters.Dataset, folder, _source.Location, formatName, total, _tasks.Name, resumed);

        if (format == SubmissionFormat.TaskFiles)
        {
            await RunTaskFilesAsync(listing, total, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RunRowFilesAsync(listing, format, cancellationToken).ConfigureAwait(false);
        }

        control.Progress.SetCurrentItem(null);
        if (control.SaveCheckpoint is not null && control.JobId is not null)
        {
            await control.SaveCheckpoint(CreateCheckpoint(_totals).Serialize()).ConfigureAwait(false);
        }

        PublishResults();
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
            text = await _repository.GetCheckpointAsync(_control.JobId, cancellationToken).ConfigureAwait(false);
        }

        var checkpoint = IngestionCheckpoint.TryParse(text ?? _control.Checkpoint);
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

                        var id = _tasks.TaskIds[start + i];
                        var fileName = id + ".json";
                        var fetch = FetchTaskFileAsync(id, fileName, etags.GetValueOrDefault(fileName), stop.Token);
                        await fetches.Writer.WriteAsync(fetch, stop.Token).ConfigureAwait(false);
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
                await _control.Pause.WaitIfPausedAsync(cancellationToken).ConfigureAwait(false);
                if (!await fetches.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                fetches.Reader.TryRead(out var fetch);
                var input = await fetch!.ConfigureAwait(false);
                window.Release();
                await ProcessAsync(input, cancellationToken).ConfigureAwait(false);
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

    private async Task RunRowFilesAsync(IReadOnlyList<SourceEntry> listing, SubmissionFormat format, CancellationToken cancellationToken)
    {
        var extension = format == SubmissionFormat.Parquet ? ".parquet" : ".jsonl";
        var files = listing.Where(f => f.Name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long index = 0;
        var limit = _parameters.Limit;
        var limitReached = false;
        foreach (var file in files)
        {
            if (limitReached)
            {
                break;
            }

            await _control.Pause.WaitIfPausedAsync(cancellationToken).ConfigureAwait(false);
            string? temporary = null;
            try
            {
                var stream = await _source.OpenAsync(_parameters.ModelFolder, file.Name, file.ETag, cancellationToken).ConfigureAwait(false)
                    ?? throw new FileNotFoundException($"{file.Name} was listed but is gone.");
                if (format == SubmissionFormat.Parquet && !stream.CanSeek)
                {
                    // Parquet is read from its footer back: spool a download to a temporary file first (on disk, not in memory).
                    temporary = Path.Combine(Path.GetTempPath(), "ingestion-" + Guid.NewGuid().ToString("N") + ".parquet");
                    await using (stream.ConfigureAwait(false))
                    {
                        var spool = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
                        await using (spool.ConfigureAwait(false))
                        {
                            await stream.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    stream = new FileStream(temporary, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
                }

                await using (stream.ConfigureAwait(false))
                {
                    var rows = format == SubmissionFormat.Parquet
                        ? SubmissionParquet.ReadAsync(stream, cancellationToken)
                        : SubmissionJsonLines.ReadAsync(stream, cancellationToken);
                    await foreach (var submission in rows.ConfigureAwait(false))
                    {
                        seen.Add(submission.TaskId);
                        index++;
                        if (index <= _position)
                        {
                            continue;
                        }

                        if (limit is { } l && index > l)
                        {
                            limitReached = true;
                            break;
                        }

                        await _control.Pause.WaitIfPausedAsync(cancellationToken).ConfigureAwait(false);
                        await ProcessAsync(PuzzleInput.Read(submission), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (!SourceErrors.IsFatal(ex, cancellationToken))
            {
                // The rest of this file cannot be read; its puzzles that were not reached are counted as not found at the end.
                index++;
                if (index > _position)
                {
                    await ProcessAsync(PuzzleInput.Broken(file.Name, SourceErrors.Describe(ex)), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (temporary is not null && File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }

        if (limit is null && !limitReached)
        {
            var missing = _tasks.TaskIds.Where(id => !seen.Contains(id)).ToArray();
            if (missing.Length > 0 && _position <= index)
            {
                IngestionLog.NotFoundTail(_logger, missing.Length, _tasks.Name, _parameters.ModelFolder);
                _totals.NotFound += missing.Length;
                _position = index + 1;
                await CommitAsync(missing[^1], [], cancellationToken).ConfigureAwait(false);
                _control.Progress.GetCounter(IngestionTotals.NotFoundCounter).Increment(missing.Length);
                _control.Progress.IncrementProcessed(missing.Length);
            }
        }
    }

    private async ValueTask ProcessAsync(PuzzleInput input, CancellationToken cancellationToken)
    {
        var progress = _control.Progress;
        var id = input.PuzzleId;
        progress.SetCurrentItem(id);
        _position++;

        if (input.IsMissing)
        {
            _totals.NotFound++;
            await CommitAsync(id, [], cancellationToken).ConfigureAwait(false);
            progress.GetCounter(IngestionTotals.NotFoundCounter).Increment();
            progress.IncrementProcessed();
            IngestionLog.NotFound(_logger, id, _parameters.ModelFolder);
            return;
        }

        string? failure = input.Error;
        PuzzleEvaluation? evaluation = null;
        if (failure is null)
        {
            if (!_tasks.Contains(id))
            {
                failure = $"'{id}' is not a puzzle of {_tasks.Name}.";
                progress.SetTotal((progress.Total ?? 0) + 1);
            }
            else
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
                catch (FormatException ex)
                {
                    failure = "the puzzle file is broken: " + ex.Message;
                }
            }
        }

        if (failure is not null)
        {
            await FailAsync(id, failure, cancellationToken).ConfigureAwait(false);
            return;
        }

        var existing = await _repository.GetModelNamesAsync(id, cancellationToken).ConfigureAwait(false);
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
            await FailAsync(id, $"already ingested ({string.Join(", ", present)}); set skipDuplicates or forceOverwrite.", cancellationToken).ConfigureAwait(false);
            return;
        }

        var skippedAttempts = evaluation.Records.Count - write.Count;
        _totals.Add(evaluation);
        _totals.AttemptsSaved += write.Count;
        _totals.AttemptsSkipped += skippedAttempts;
        if (write.Count == 0)
        {
            _totals.Skipped++;
        }
        else
        {
            _totals.Succeeded++;
        }

        await CommitAsync(id, write, cancellationToken).ConfigureAwait(false);

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

        PublishResults();
    }

    private async ValueTask FailAsync(string id, string reason, CancellationToken cancellationToken)
    {
        _totals.Failed++;
        await CommitAsync(id, [], cancellationToken).ConfigureAwait(false);
        _control.Progress.IncrementFailed();
        IngestionLog.Failed(_logger, id, reason);
        if (_parameters.StopOnError)
        {
            throw new PuzzleFailedException(id, reason);
        }
    }

    private async ValueTask CommitAsync(string lastPuzzleId, List<ExplanationRecord> records, CancellationToken cancellationToken)
    {
        var jobId = _control.JobId;
        string? checkpoint = null;
        if (jobId is not null)
        {
            var state = CreateCheckpoint(_totals);
            state.LastPuzzleId = lastPuzzleId;
            checkpoint = state.Serialize();
        }

        if (!_parameters.DryRun && (records.Count > 0 || checkpoint is not null))
        {
            await _repository.CommitAsync(new ExplanationCommit(records, jobId, checkpoint), cancellationToken).ConfigureAwait(false);
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

    private IngestionCheckpoint CreateCheckpoint(IngestionTotals totals) => new()
    {
        Dataset = _parameters.Dataset,
        ModelFolder = _parameters.ModelFolder,
        Position = _position,
        Totals = totals,
    };

    private void PublishResults()
    {
        if (_control.SetResult is not { } set)
        {
            return;
        }

        foreach (var (name, value) in _totals.Results())
        {
            set(name, value);
        }
    }
}

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
