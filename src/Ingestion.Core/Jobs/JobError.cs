namespace Ingestion.Core;

/// <summary>The error a failed job ended with, kept as text so it survives a restart.</summary>
public sealed class JobError
{
    /// <summary>Gets the full name of the exception's type.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the exception's message.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the exception's full text (<see cref="Exception.ToString"/>: inner exceptions and stack trace).</summary>
    public string? Details { get; init; }

    /// <summary>Describes an exception.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The error.</returns>
    public static JobError FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new JobError
        {
            Type = exception.GetType().FullName ?? exception.GetType().Name,
            Message = exception.Message,
            Details = exception.ToString(),
        };
    }
}
