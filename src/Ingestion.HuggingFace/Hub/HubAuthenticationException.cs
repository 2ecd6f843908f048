using System.Net;

namespace Ingestion.HuggingFace;

/// <summary>
/// The Hub refused the request (401 or 403). The message says plainly which case it is: no token was sent (set
/// <c>HF_TOKEN</c> or <see cref="HuggingFaceHubOptions.Token"/>), the token was rejected, or the token has no access
/// to the repository (gated or private). A private or missing repository answers 401 to a request without a token, so
/// "no token" is the first thing to fix either way.
/// </summary>
public sealed class HubAuthenticationException : HuggingFaceHubException
{
    /// <summary>Initializes a new instance of the <see cref="HubAuthenticationException"/> class.</summary>
    public HubAuthenticationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubAuthenticationException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public HubAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HubAuthenticationException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public HubAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal HubAuthenticationException(string message, HttpStatusCode statusCode, string? errorCode, string? requestId, bool tokenSent)
        : base(message, statusCode, errorCode, requestId)
    {
        TokenSent = tokenSent;
    }

    /// <summary>Gets a value indicating whether the refused request carried a token (if not, the fix is to provide one).</summary>
    public bool TokenSent { get; }
}
