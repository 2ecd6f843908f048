namespace Ingestion.HuggingFace;

/// <summary>What <see cref="HuggingFaceHubClient.GetDatasetInfoAsync"/> learned about a dataset repository.</summary>
public sealed class HubDatasetInfo
{
    internal HubDatasetInfo(string id, string sha, bool isPrivate, bool isGated, DateTimeOffset? lastModified, bool isAuthenticated)
    {
        Id = id;
        Sha = sha;
        IsPrivate = isPrivate;
        IsGated = isGated;
        LastModified = lastModified;
        IsAuthenticated = isAuthenticated;
    }

    /// <summary>Gets the repository id, as the Hub spells it (<c>owner/name</c>).</summary>
    public string Id { get; }

    /// <summary>Gets the commit the revision points at (40 hex digits); pin it to read a stable snapshot.</summary>
    public string Sha { get; }

    /// <summary>Gets a value indicating whether the repository is private.</summary>
    public bool IsPrivate { get; }

    /// <summary>Gets a value indicating whether the repository is gated (downloads need an approved token).</summary>
    public bool IsGated { get; }

    /// <summary>Gets when the repository last changed, if the Hub said.</summary>
    public DateTimeOffset? LastModified { get; }

    /// <summary>Gets a value indicating whether the request carried a token and the Hub accepted it.</summary>
    public bool IsAuthenticated { get; }
}
