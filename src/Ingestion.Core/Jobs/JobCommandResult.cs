namespace Ingestion.Core;

/// <summary>The outcome of a pause, resume or cancel command. Commands never throw for unknown ids or illegal transitions; they say so here.</summary>
public sealed class JobCommandResult
{
    private JobCommandResult(JobCommandStatus status, string jobId, JobSnapshot? job, string message)
    {
        Status = status;
        JobId = jobId;
        Job = job;
        Message = message;
    }

    /// <summary>Gets what became of the command.</summary>
    public JobCommandStatus Status { get; }

    /// <summary>Gets the id the command was for.</summary>
    public string JobId { get; }

    /// <summary>Gets the job as it is after the command, or <see langword="null"/> when no job has the id.</summary>
    public JobSnapshot? Job { get; }

    /// <summary>Gets the job's state after the command (its current state when the command was refused), or <see langword="null"/> when not found.</summary>
    public JobState? State => Job?.State;

    /// <summary>Gets a sentence saying what happened, fit to show to a user.</summary>
    public string Message { get; }

    /// <summary>Gets whether the job is now where the command meant it to be (<see cref="JobCommandStatus.Applied"/> or <see cref="JobCommandStatus.Unchanged"/>).</summary>
    public bool Succeeded => Status is JobCommandStatus.Applied or JobCommandStatus.Unchanged;

    // The factories are public so that an IJobManager of your own (a decorator, a fake in your tests, a remote
    // manager) answers the way the built-in one does.

    /// <summary>The command was carried out.</summary>
    /// <param name="job">The job after the command.</param>
    /// <param name="message">What happened, for a user.</param>
    /// <returns>The result.</returns>
    public static JobCommandResult Applied(JobSnapshot job, string message) => Create(JobCommandStatus.Applied, job, message);

    /// <summary>The job already was where the command meant it to be (pausing a paused job).</summary>
    /// <param name="job">The job, unchanged.</param>
    /// <param name="message">What happened, for a user.</param>
    /// <returns>The result.</returns>
    public static JobCommandResult Unchanged(JobSnapshot job, string message) => Create(JobCommandStatus.Unchanged, job, message);

    /// <summary>The command is not allowed in the job's state (resuming a completed job).</summary>
    /// <param name="job">The job, unchanged.</param>
    /// <param name="message">Why not, for a user.</param>
    /// <returns>The result.</returns>
    public static JobCommandResult InvalidTransition(JobSnapshot job, string message) => Create(JobCommandStatus.InvalidTransition, job, message);

    /// <summary>No job has the id.</summary>
    /// <param name="jobId">The id the command was for.</param>
    /// <returns>The result.</returns>
    public static JobCommandResult NotFound(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return new(JobCommandStatus.NotFound, jobId, null, $"No job has the id '{jobId}'.");
    }

    private static JobCommandResult Create(JobCommandStatus status, JobSnapshot job, string message)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(message);
        return new(status, job.Id, job, message);
    }
}
