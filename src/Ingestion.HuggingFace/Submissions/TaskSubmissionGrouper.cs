namespace Ingestion.HuggingFace;

/// <summary>
/// Groups a stream of rows (attempts) into one <see cref="TaskSubmission"/> per run of rows with the same task id, for
/// the row formats (Parquet, JSONL). The rows of a task must be contiguous: a task id that comes back after another
/// task's rows is an error, because the first run was already handed out as the whole task.
/// </summary>
/// <remarks>
/// It remembers every finished task id (a few dozen bytes each) so that it can tell a reappearing task; that is the only
/// state that grows with the file, and it grows with the number of tasks, not rows.
/// </remarks>
internal sealed class TaskSubmissionGrouper
{
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private List<SubmissionAttempt> _attempts = [];
    private string? _taskId;

    /// <summary>Adds the next row.</summary>
    /// <param name="attempt">The row; its <see cref="SubmissionAttempt.TaskId"/> is its task.</param>
    /// <param name="unit">What <paramref name="position"/> counts (<c>line</c>, <c>row</c>), for the error message.</param>
    /// <param name="position">Where the row is in the file, for the error message.</param>
    /// <returns>The previous task, when this row starts a new one; else <see langword="null"/>.</returns>
    /// <exception cref="SubmissionFormatException">The row's task already ended earlier in the file.</exception>
    public TaskSubmission? Add(SubmissionAttempt attempt, string unit, long position)
    {
        if (string.Equals(attempt.TaskId, _taskId, StringComparison.Ordinal))
        {
            _attempts.Add(attempt);
            return null;
        }

        if (_finished.Contains(attempt.TaskId))
        {
            throw new SubmissionFormatException(
                $"Task {attempt.TaskId} appears again at {unit} {position}, after other tasks' rows; the rows of one task must be contiguous.");
        }

        var completed = Complete();
        _taskId = attempt.TaskId;
        _attempts.Add(attempt);
        return completed;
    }

    /// <summary>Ends the current task (at the end of the file).</summary>
    /// <returns>The current task, or <see langword="null"/> when there is none.</returns>
    public TaskSubmission? Complete()
    {
        if (_taskId is null)
        {
            return null;
        }

        var completed = new TaskSubmission(_taskId, _attempts);
        _finished.Add(_taskId);
        _taskId = null;
        _attempts = [];
        return completed;
    }

    /// <summary>
    /// Checks a task before a writer writes it: not null, with an id, no null attempt, and not written before (the
    /// rows of a task are contiguous, so each task is written once). The messages name no parameter: the caller's
    /// parameter is the whole sequence, this is one of its elements.
    /// </summary>
    /// <exception cref="ArgumentException">The task cannot be written.</exception>
    public static void CheckWritable(TaskSubmission submission, HashSet<string> written, string unit)
    {
        if (submission is null || submission.Attempts is null)
        {
            throw new ArgumentException("The submissions contain a null task or a task with null attempts.");
        }

        if (string.IsNullOrEmpty(submission.TaskId) || !written.Add(submission.TaskId))
        {
            throw new ArgumentException(
                string.IsNullOrEmpty(submission.TaskId)
                    ? "A submission has no task id."
                    : $"Task {submission.TaskId} comes twice; the {unit} of a task must be contiguous, so each task is written once.");
        }

        foreach (var attempt in submission.Attempts)
        {
            if (attempt is null)
            {
                throw new ArgumentException($"Task {submission.TaskId} has a null attempt.");
            }
        }
    }
}
