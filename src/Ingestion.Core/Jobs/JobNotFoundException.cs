namespace Ingestion.Core;

/// <summary>Thrown by <see cref="IJobManager.WatchAsync"/> when no job has the id.</summary>
public sealed class JobNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobNotFoundException()
        : base("No job has that id.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public JobNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public JobNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the id that was not found.</summary>
    public string? JobId { get; init; }

    /// <summary>Creates the exception for an id, with the message the manager uses.</summary>
    /// <param name="jobId">The id that was not found.</param>
    /// <returns>The exception.</returns>
    public static JobNotFoundException For(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return new($"No job has the id '{jobId}'.") { JobId = jobId };
    }
}
