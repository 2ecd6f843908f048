using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Ingestion.AspNetCore;

/// <summary>
/// The request checks and the ProblemDetails answer that every ingestion endpoint package shares. This file is compiled
/// into each of them (a source file, not an internal member of another package, so each package works with any version
/// of the others).
/// </summary>
internal static class IngestionHttp
{
    /// <summary>Whether the request has a body (a length above zero, or a chunked one).</summary>
    public static bool HasBody(HttpRequest request)
        => request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>Whether the content type is JSON (<c>application/json</c> or a <c>+json</c> suffix).</summary>
    public static bool IsJson(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out var media)
            && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    /// <summary>A ProblemDetails answer with a stable type.</summary>
    public static IResult Problem(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null)
        => Results.Problem(detail: detail, statusCode: status, title: title, type: type, extensions: extensions);
}
