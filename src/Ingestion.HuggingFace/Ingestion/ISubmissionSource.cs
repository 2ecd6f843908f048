namespace Ingestion.HuggingFace;

/// <summary>A file in a model folder of a dataset.</summary>
/// <param name="Name">The file name, e.g. <c>f3e62deb.json</c>.</param>
/// <param name="Size">Its size in bytes, when known.</param>
/// <param name="ETag">Its content hash (the Hub's oid), when known: the key of the download cache.</param>
internal sealed record SourceEntry(string Name, long? Size, string? ETag);

/// <summary>Where a dataset in the arcprize layout is read from: the Hub, or a local directory with the same layout.</summary>
internal interface ISubmissionSource : IAsyncDisposable
{
    /// <summary>Gets where the data comes from, for logs and the pre-flight check (never with a secret in it).</summary>
    string Location { get; }

    /// <summary>Lists the dataset's model folders (its top-level directories), sorted.</summary>
    ValueTask<IReadOnlyList<string>> ListModelFoldersAsync(CancellationToken cancellationToken);

    /// <summary>Lists the files of a model folder; <see langword="null"/> when there is no such folder.</summary>
    ValueTask<IReadOnlyList<SourceEntry>?> ListFolderAsync(string folder, CancellationToken cancellationToken);

    /// <summary>Opens a file of a model folder for reading; <see langword="null"/> when it does not exist.</summary>
    ValueTask<Stream?> OpenAsync(string folder, string fileName, string? etag, CancellationToken cancellationToken);
}

/// <summary>Reads a dataset from a local directory: <c>{root}/{modelFolder}/{file}</c>.</summary>
internal sealed class LocalSubmissionSource(string root) : ISubmissionSource
{
    private readonly string _root = Path.GetFullPath(root);

    public string Location => _root;

    public ValueTask<IReadOnlyList<string>> ListModelFoldersAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"The dataset directory '{_root}' does not exist.");
        }

        var folders = Directory.EnumerateDirectories(_root)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(static name => !name.StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return ValueTask.FromResult<IReadOnlyList<string>>(folders);
    }

    public ValueTask<IReadOnlyList<SourceEntry>?> ListFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(_root, folder);
        if (!Directory.Exists(directory))
        {
            return ValueTask.FromResult<IReadOnlyList<SourceEntry>?>(null);
        }

        var entries = new DirectoryInfo(directory).EnumerateFiles()
            .Where(static f => !f.Name.StartsWith('.'))
            .OrderBy(static f => f.Name, StringComparer.Ordinal)
            .Select(static f => new SourceEntry(f.Name, f.Length, null))
            .ToArray();
        return ValueTask.FromResult<IReadOnlyList<SourceEntry>?>(entries);
    }

    public ValueTask<Stream?> OpenAsync(string folder, string fileName, string? etag, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_root, folder, fileName);
        try
        {
            return ValueTask.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (FileNotFoundException)
        {
            return ValueTask.FromResult<Stream?>(null);
        }
        catch (DirectoryNotFoundException)
        {
            return ValueTask.FromResult<Stream?>(null);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
