namespace Ingestion.HuggingFace;

/// <summary>
/// An opened file of the Hub (<see cref="HuggingFaceHubClient.OpenFileAsync"/>): its content as a stream, and what the
/// Hub said about it. Dispose it to release the connection or the cached file.
/// </summary>
public sealed class HubFile : IAsyncDisposable, IDisposable
{
    internal HubFile(Stream content, string? eTag, long? length, string? commit, bool fromCache)
    {
        Content = content;
        ETag = eTag;
        Length = length;
        Commit = commit;
        FromCache = fromCache;
    }

    /// <summary>
    /// Gets the content. Without a cache it is the network stream (read-only, not seekable; a connection that breaks
    /// mid-body is resumed where it stopped, transparently). With a cache it is the cached file (seekable).
    /// </summary>
    public Stream Content { get; }

    /// <summary>
    /// Gets the file's etag, without <c>W/</c> and quotes: the git blob SHA-1, or the SHA-256 for an LFS file (the
    /// <see cref="HubTreeEntry.ETag"/> of its listing entry).
    /// </summary>
    public string? ETag { get; }

    /// <summary>Gets the content's length in bytes, when known (not for a compressed response of unknown size).</summary>
    public long? Length { get; }

    /// <summary>Gets the commit the revision resolved to (<c>X-Repo-Commit</c>); <see langword="null"/> when no request was made.</summary>
    public string? Commit { get; }

    /// <summary>Gets a value indicating whether the content came from the cache without being downloaded (no request, or a 304).</summary>
    public bool FromCache { get; }

    /// <inheritdoc/>
    public void Dispose() => Content.Dispose();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
