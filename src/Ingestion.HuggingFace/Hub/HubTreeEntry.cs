namespace Ingestion.HuggingFace;

/// <summary>One entry of a repository listing (<see cref="HuggingFaceHubClient.ListTreeAsync"/>): a file or a folder.</summary>
public sealed class HubTreeEntry
{
    internal HubTreeEntry(HubEntryType type, string path, string? oid, long size, string? lfsOid)
    {
        Type = type;
        Path = path;
        Oid = oid;
        Size = size;
        LfsOid = lfsOid;
    }

    /// <summary>Gets whether this is a file or a folder.</summary>
    public HubEntryType Type { get; }

    /// <summary>Gets the full path from the repository's root, without a leading <c>/</c> (e.g. <c>gpt-5/0a1b2c3d.json</c>).</summary>
    public string Path { get; }

    /// <summary>Gets the last segment of <see cref="Path"/> (a folder's or file's own name).</summary>
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>
    /// Gets the git object id: for a file the git blob SHA-1 (for an LFS file, that of the pointer), for a folder the
    /// tree SHA-1.
    /// </summary>
    public string? Oid { get; }

    /// <summary>Gets the content's size in bytes (the real size for an LFS file); 0 for a folder.</summary>
    public long Size { get; }

    /// <summary>Gets the SHA-256 of an LFS file's content; <see langword="null"/> for a file stored in git itself.</summary>
    public string? LfsOid { get; }

    /// <summary>
    /// Gets the etag the Hub serves the file with: <see cref="LfsOid"/> for an LFS file, else <see cref="Oid"/>. Pass it
    /// as <c>expectedETag</c> to <see cref="HuggingFaceHubClient.OpenFileAsync"/> so that a cached copy is opened
    /// without a request.
    /// </summary>
    public string? ETag => LfsOid ?? Oid;

    /// <inheritdoc/>
    public override string ToString() => $"{Type} {Path}";
}
