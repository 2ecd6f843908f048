namespace Ingestion.Core;

/// <summary>
/// Thrown by a job body to end its run as <see cref="JobState.Interrupted"/> rather than <see cref="JobState.Failed"/>:
/// something outside the job that it cannot do without has gone away (a database, a disk), the work done so far is
/// safely behind its last checkpoint, and the job can be resumed from that checkpoint, under the same id, once the
/// cause is fixed. The message becomes the job's <see cref="JobSnapshot.Error"/>, so the history says why.
/// </summary>
/// <remarks>
/// <see cref="JobContext.SaveCheckpointAsync"/> throws it when the job store cannot save the checkpoint. A cancel
/// that the user asked for still wins: the run then ends <see cref="JobState.Cancelled"/>. A job started from a
/// delegate cannot be resumed, so for it the run ends <see cref="JobState.Failed"/> with the same error.
/// </remarks>
public sealed class JobInterruptedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobInterruptedException()
        : base("The job was interrupted and can be resumed from its last checkpoint.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Why the job stopped, for the user.</param>
    public JobInterruptedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">Why the job stopped, for the user.</param>
    /// <param name="innerException">The failure behind it.</param>
    public JobInterruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
