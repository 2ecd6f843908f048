namespace Ingestion.TestUtilities;

/// <summary>One request the fake Hub (or its CDN) received, as it arrived, and the status it was answered with.</summary>
public sealed class FakeHubRequest
{
    private int _statusCode;

    internal FakeHubRequest(FakeHubHost host, string method, string pathAndQuery, string path, string? authorization, string? range, string? ifNoneMatch, DateTimeOffset time, TimeSpan elapsed)
    {
        Host = host;
        Method = method;
        PathAndQuery = pathAndQuery;
        Path = path;
        Authorization = authorization;
        Range = range;
        IfNoneMatch = ifNoneMatch;
        Time = time;
        Elapsed = elapsed;
    }

    /// <summary>Which server got it.</summary>
    public FakeHubHost Host { get; }

    public string Method { get; }

    /// <summary>The request target exactly as sent (still percent-encoded).</summary>
    public string PathAndQuery { get; }

    /// <summary>The path, percent-decoded (<c>%2F</c> included), without the query.</summary>
    public string Path { get; }

    /// <summary>The <c>Authorization</c> header as received, or <see langword="null"/>.</summary>
    public string? Authorization { get; }

    public string? Range { get; }

    public string? IfNoneMatch { get; }

    /// <summary>When it arrived (wall clock).</summary>
    public DateTimeOffset Time { get; }

    /// <summary>When it arrived, measured on a monotonic clock from the fake's start: use it for gaps between requests.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The status sent; 0 while it is being handled, or when the client went away before an answer.</summary>
    public int StatusCode
    {
        get => Volatile.Read(ref _statusCode);
        internal set => Volatile.Write(ref _statusCode, value);
    }

    public override string ToString() => $"{Host} {Method} {PathAndQuery} -> {StatusCode}";
}
