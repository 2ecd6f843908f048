namespace Ingestion.Core;

/// <summary>
/// Thrown by <see cref="IJobManager.StartAsync(string, System.Text.Json.JsonElement, JobStartOptions?, CancellationToken)"/>
/// when a job cannot be started: its kind is not registered or its parameters are invalid. <see cref="Errors"/> lists every problem.
/// </summary>
public sealed class JobStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobStartException()
        : this("The job could not be started.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public JobStartException(string message)
        : base(message) => Errors = [new JobStartError(null, message)];

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public JobStartException(string message, Exception innerException)
        : base(message, innerException) => Errors = [new JobStartError(null, message)];

    /// <summary>Creates the exception with every problem found.</summary>
    /// <param name="message">The message; it should name every problem.</param>
    /// <param name="errors">Every problem.</param>
    public JobStartException(string message, IEnumerable<JobStartError> errors)
        : base(message) => Errors = [.. errors];

    /// <summary>Gets the kind that was asked for.</summary>
    public string? Kind { get; init; }

    /// <summary>Gets why the job could not be started. Default: <see cref="JobStartFailure.InvalidParameters"/>.</summary>
    public JobStartFailure Failure { get; init; } = JobStartFailure.InvalidParameters;

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<JobStartError> Errors { get; }
}
