using Microsoft.Extensions.Logging;

namespace Ingestion.HuggingFace;

/// <summary>The Hub client's log messages. URLs are logged without their query; the token is never logged.</summary>
internal static partial class HubLog
{
    [LoggerMessage(501, LogLevel.Warning, "Hub request GET {Url} failed ({Reason}); retry {Retry} of {MaxRetries} in {Delay}.")]
    public static partial void Retrying(ILogger logger, string url, string reason, int retry, int maxRetries, TimeSpan delay);

    [LoggerMessage(502, LogLevel.Debug, "Hub request GET {Url} was redirected ({StatusCode}) to {Location}; authorization {Authorization}.")]
    public static partial void Redirected(ILogger logger, string url, int statusCode, string location, string authorization);

    [LoggerMessage(503, LogLevel.Warning, "Download of {Url} broke after {Received} bytes ({Reason}); resuming, attempt {Attempt} of {MaxRetries}, in {Delay}.")]
    public static partial void Resuming(ILogger logger, string url, long received, string reason, int attempt, int maxRetries, TimeSpan delay);

    [LoggerMessage(504, LogLevel.Debug, "The server answered the ranged request for {Url} with the whole file; the {Skipped} bytes already delivered are skipped.")]
    public static partial void RangeIgnored(ILogger logger, string url, long skipped);

    [LoggerMessage(505, LogLevel.Debug, "{Repository}/{Path} at {Revision}: opened from the cache (etag {ETag}) without a request.")]
    public static partial void CacheHit(ILogger logger, string repository, string path, string revision, string eTag);

    [LoggerMessage(506, LogLevel.Debug, "{Repository}/{Path} at {Revision}: not modified (304); opened from the cache (etag {ETag}).")]
    public static partial void NotModified(ILogger logger, string repository, string path, string revision, string eTag);

    [LoggerMessage(507, LogLevel.Debug, "{Repository}/{Path} at {Revision}: downloaded into the cache (etag {ETag}, {Length} bytes).")]
    public static partial void Cached(ILogger logger, string repository, string path, string revision, string eTag, long length);

    [LoggerMessage(508, LogLevel.Debug, "{Repository}/{Path} at {Revision}: the Hub sent no usable etag; the file is streamed without caching.")]
    public static partial void NotCacheable(ILogger logger, string repository, string path, string revision);

    [LoggerMessage(509, LogLevel.Warning, "{Repository}/{Path} at {Revision}: could not record the etag in the cache; the next run will download the file again.")]
    public static partial void CacheIndexWriteFailed(ILogger logger, string repository, string path, string revision, Exception exception);

    [LoggerMessage(510, LogLevel.Warning, "Hub response body of GET {Url} broke ({Reason}); retry {Retry} of {MaxRetries} in {Delay}.")]
    public static partial void RetryingBody(ILogger logger, string url, string reason, int retry, int maxRetries, TimeSpan delay);
}
