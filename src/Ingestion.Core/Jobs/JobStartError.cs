namespace Ingestion.Core;

/// <summary>One reason a job could not be started.</summary>
/// <param name="member">The parameter property it is about (camelCase, as in the JSON), or <see langword="null"/> when it is about the request as a whole.</param>
/// <param name="message">A sentence saying what is wrong.</param>
public sealed class JobStartError(string? member, string message)
{
    /// <summary>Gets the parameter property the problem is about, or <see langword="null"/>.</summary>
    public string? Member { get; } = member;

    /// <summary>Gets a sentence saying what is wrong.</summary>
    public string Message { get; } = message;

    /// <inheritdoc />
    public override string ToString() => Member is null ? Message : $"{Member}: {Message}";
}
