using System.Net;

namespace Ingestion.HuggingFace;

/// <summary>
/// The Hub answered 404: the file or folder, the revision, or the repository does not exist (or, with a token, the
/// token cannot see the repository). <see cref="Kind"/> tells which, so that a missing file can be counted and skipped.
/// </summary>
public sealed class HubNotFoundException : HuggingFaceHubException
{
    /// <summary>Initializes a new instance of the <see cref="HubNotFoundException"/> class.</summary>
    public HubNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubNotFoundException"/> class.</summary>
    /// <param name="message">What was not found.</param>
    public HubNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubNotFoundException"/> class.</summary>
    /// <param name="message">What was not found.</param>
    /// <param name="innerException">The cause.</param>
    public HubNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal HubNotFoundException(string message, HubNotFoundKind kind, string? errorCode, string? requestId)
        : base(message, HttpStatusCode.NotFound, errorCode, requestId)
    {
        Kind = kind;
    }

    /// <summary>Gets what was not found.</summary>
    public HubNotFoundKind Kind { get; }
}
