namespace Ingestion.TestUtilities;

/// <summary>Which of the fake's two servers a request reached.</summary>
public enum FakeHubHost
{
    /// <summary>The Hub itself (API, resolve, resolve-cache).</summary>
    Hub,

    /// <summary>The CDN that LFS downloads are redirected to (another port; no HF headers).</summary>
    Cdn,
}
