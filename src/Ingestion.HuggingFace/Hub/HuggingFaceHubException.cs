using System.Net;

namespace Ingestion.HuggingFace;

/// <summary>
/// A request to the HuggingFace Hub failed: the Hub answered with an error (after the retries, for a retryable one),
/// or no answer came within the retries. The message says what was asked, the status, and what the Hub said
/// (<c>X-Error-Message</c> and the body's <c>error</c>); it never contains the token.
/// </summary>
public class HuggingFaceHubException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="HuggingFaceHubException"/> class.</summary>
    public HuggingFaceHubException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HuggingFaceHubException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public HuggingFaceHubException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HuggingFaceHubException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public HuggingFaceHubException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal HuggingFaceHubException(string message, HttpStatusCode? statusCode, string? errorCode, string? requestId, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        RequestId = requestId;
    }

    /// <summary>Gets the HTTP status of the Hub's answer; <see langword="null"/> when none came (timeouts, connection errors).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the Hub's <c>X-Error-Code</c> (e.g. <c>EntryNotFound</c>, <c>GatedRepo</c>), if it sent one.</summary>
    public string? ErrorCode { get; }

    /// <summary>Gets the request id the Hub gave the request (<c>X-Request-Id</c>), to quote when reporting a problem.</summary>
    public string? RequestId { get; }
}
