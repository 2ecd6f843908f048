namespace Ingestion.TestUtilities;

/// <summary>How the fake answers a <c>resolve</c> request.</summary>
public enum FakeHubResolveMode
{
    /// <summary>As the Hub does: a regular file gets a relative 307 to resolve-cache, an LFS file a 302 to the CDN.</summary>
    ByFileKind,

    /// <summary>A direct 200 with the content.</summary>
    Direct,

    /// <summary>A relative 307 to <c>/api/resolve-cache/…</c> on the same host, which serves the content.</summary>
    RelativeRedirect,

    /// <summary>A 302 to a signed URL on the CDN (another host:port).</summary>
    CdnRedirect,
}
