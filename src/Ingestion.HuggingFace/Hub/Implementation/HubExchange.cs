using System.Globalization;
using System.Net;

namespace Ingestion.HuggingFace;

/// <summary>
/// The answer to a request after its redirects: the last response, where it came from, and the file headers the Hub
/// sent on its own hops (a CDN at the end of a redirect sends none of them).
/// </summary>
internal sealed class HubExchange(HttpResponseMessage response, Uri requestUri, Uri finalUri, bool tokenSent) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;

    /// <summary>The URL first asked for (a resumed download asks it again, so that an expired CDN link is renewed).</summary>
    public Uri RequestUri { get; } = requestUri;

    /// <summary>The URL of the last response.</summary>
    public Uri FinalUri { get; } = finalUri;

    /// <summary>Whether the last request carried the token.</summary>
    public bool TokenSent { get; } = tokenSent;

    public HttpStatusCode StatusCode => Response.StatusCode;

    /// <summary><c>X-Repo-Commit</c> of the last Hub hop that sent one.</summary>
    public string? Commit { get; private set; }

    /// <summary><c>X-Linked-Etag</c>, else <c>ETag</c>, of the last Hub hop that sent one; without <c>W/</c> and quotes.</summary>
    public string? ETag { get; private set; }

    /// <summary><c>X-Linked-Size</c> of a Hub hop, else the <c>Content-Length</c> of an uncompressed Hub 200.</summary>
    public long? Size { get; private set; }

    /// <summary>The content's length: <see cref="Size"/>, else the uncompressed <c>Content-Length</c> of the last 200 (a CDN's included).</summary>
    public long? ContentLength
        => Size ?? (Response.StatusCode == HttpStatusCode.OK && Response.Content.Headers.ContentEncoding.Count == 0 ? Response.Content.Headers.ContentLength : null);

    /// <summary>Takes the file headers of a response from the Hub itself (never from a CDN: its etag is not the file's).</summary>
    public static void Capture(HttpResponseMessage hop, ref string? commit, ref string? eTag, ref long? size)
    {
        if (Header(hop, "X-Repo-Commit") is { Length: > 0 } repoCommit)
        {
            commit = repoCommit;
        }

        if (HubPaths.NormalizeETag(Header(hop, "X-Linked-Etag") ?? Header(hop, "ETag")) is { } tag)
        {
            eTag = tag;
        }

        if (long.TryParse(Header(hop, "X-Linked-Size"), NumberStyles.None, CultureInfo.InvariantCulture, out var linkedSize))
        {
            size = linkedSize;
        }
        else if (hop.StatusCode == HttpStatusCode.OK && hop.Content.Headers.ContentEncoding.Count == 0 && hop.Content.Headers.ContentLength is { } length)
        {
            size = length;
        }
    }

    public void SetFileHeaders(string? commit, string? eTag, long? size)
    {
        Commit = commit;
        ETag = eTag;
        Size = size;
    }

    /// <summary>The first value of a header as sent (not validated: a malformed value is still read).</summary>
    public static string? Header(HttpResponseMessage response, string name)
        => response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    public void Dispose() => Response.Dispose();
}
