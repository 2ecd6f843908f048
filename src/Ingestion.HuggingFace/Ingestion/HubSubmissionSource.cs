namespace Ingestion.HuggingFace;

/// <summary>Reads a dataset from the Hub: folders from the tree listing, files through <c>resolve</c> (cached by etag when configured).</summary>
internal sealed class HubSubmissionSource(HuggingFaceHubClient client, Uri endpoint, string repository, string revision) : ISubmissionSource
{
    public string Location { get; } = $"{endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/')}/datasets/{repository}@{revision}";

    public async ValueTask<IReadOnlyList<string>> ListModelFoldersAsync(CancellationToken cancellationToken)
    {
        var folders = new List<string>();
        await foreach (var entry in client.ListTreeAsync(repository, revision, null, false, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Type == HubEntryType.Directory && !entry.Name.StartsWith('.'))
            {
                folders.Add(entry.Name);
            }
        }

        folders.Sort(StringComparer.Ordinal);
        return folders;
    }

    public async ValueTask<IReadOnlyList<SourceEntry>?> ListFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var entries = new List<SourceEntry>();
        try
        {
            await foreach (var entry in client.ListTreeAsync(repository, revision, folder, false, cancellationToken).ConfigureAwait(false))
            {
                if (entry.Type == HubEntryType.File && !entry.Name.StartsWith('.'))
                {
                    entries.Add(new SourceEntry(entry.Name, entry.Size, entry.ETag));
                }
            }
        }
        catch (HubNotFoundException ex) when (ex.Kind == HubNotFoundKind.EntryNotFound)
        {
            return null;
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return entries;
    }

    public async ValueTask<Stream?> OpenAsync(string folder, string fileName, string? etag, CancellationToken cancellationToken)
    {
        HubFile file;
        try
        {
            file = await client.OpenFileAsync(repository, revision, folder + "/" + fileName, etag, cancellationToken).ConfigureAwait(false);
        }
        catch (HubNotFoundException ex) when (ex.Kind == HubNotFoundKind.EntryNotFound)
        {
            return null;
        }

        return new OwnedStream(file);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The file's content stream, disposing the file (and its response) with it.</summary>
    private sealed class OwnedStream(HubFile file) : Stream
    {
        private readonly Stream _inner = file.Content;

        public override bool CanRead => _inner.CanRead;

        public override bool CanSeek => _inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => _inner.Length;

        public override long Position
        {
            get => _inner.Position;
            set => _inner.Position = value;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => _inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            await file.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                file.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            base.Dispose(disposing);
        }
    }
}
