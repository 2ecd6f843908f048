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

    internal static JobCommandResult Applied(JobSnapshot job, string message) => new(JobCommandStatus.Applied, job.Id, job, message);

    internal static JobCommandResult Unchanged(JobSnapshot job, string message) => new(JobCommandStatus.Unchanged, job.Id, job, message);

    internal static JobCommandResult Invalid(JobSnapshot job, string message) => new(JobCommandStatus.InvalidTransition, job.Id, job, message);

    internal static JobCommandResult NotFound(string jobId) => new(JobCommandStatus.NotFound, jobId, null, $"No job has the id '{jobId}'.");
}
