using System.Security.Cryptography;

namespace Ingestion.HuggingFace;

/// <summary>
/// The download cache, one folder per repository (<c>datasets--{owner}--{name}</c>), holding
/// <list type="bullet">
/// <item><c>blobs/{etag}</c>: a file's content, named by its etag (written as <c>{etag}.{8 hex}.incomplete</c> and
/// renamed when complete, deleted when the download fails);</item>
/// <item><c>etags/{revision}/{path}</c>: the etag the file had when it was last downloaded, so that a later run can
/// ask with <c>If-None-Match</c> (revision and path segments escaped as in a URL).</item>
/// </list>
/// Writers never share a file (each has its own temporary name, the rename is atomic), so parallel downloads and
/// parallel processes are safe; two that fetch the same blob at once both download it.
/// </summary>
internal sealed class HubCache(string root)
{
    private const string IncompleteSuffix = ".incomplete";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Whether <paramref name="eTag"/> can name a blob: letters, digits, <c>-_.</c>, not starting with a dot.</summary>
    public static bool IsUsableETag(string? eTag)
        => eTag is { Length: > 0 and <= 128 } && eTag[0] != '.' && !eTag.EndsWith(IncompleteSuffix, StringComparison.Ordinal)
            && eTag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The cached blob opened for reading, or <see langword="null"/> when it is not cached.</summary>
    public FileStream? TryOpenBlob(string repository, string eTag)
    {
        try
        {
            return OpenRead(BlobPath(repository, eTag));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public bool HasBlob(string repository, string eTag) => File.Exists(BlobPath(repository, eTag));

    /// <summary>The etag recorded for the file at that revision, or <see langword="null"/>.</summary>
    public string? ReadETag(string repository, string revision, string path)
    {
        try
        {
            var eTag = File.ReadAllText(IndexPath(repository, revision, path)).Trim();
            return IsUsableETag(eTag) ? eTag : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void WriteETag(string repository, string revision, string path, string eTag)
    {
        var target = IndexPath(repository, revision, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = $"{target}.{RandomNumberGenerator.GetHexString(8, lowercase: true)}{IncompleteSuffix}";
        try
        {
            File.WriteAllText(temporary, eTag);
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Copies <paramref name="content"/> into the blob of <paramref name="eTag"/>; nothing stays behind if it fails.</summary>
    public async Task<long> StoreAsync(string repository, string eTag, Stream content, CancellationToken cancellationToken)
    {
        var target = BlobPath(repository, eTag);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = $"{target}.{RandomNumberGenerator.GetHexString(8, lowercase: true)}{IncompleteSuffix}";
        try
        {
            long length;
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, 81920, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                length = file.Length;
            }

            try
            {
                File.Move(temporary, target, overwrite: true);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another writer got there first (and a reader holds its file open, where that blocks a rename).
                TryDelete(temporary);
            }

            return length;
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    public static FileStream OpenRead(string path)
        => new(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public string BlobPath(string repository, string eTag) => Path.Combine(RepositoryFolder(repository), "blobs", eTag);

    private string RepositoryFolder(string repository) => Path.Combine(Root, "datasets--" + repository.Replace("/", "--", StringComparison.Ordinal));

    private string IndexPath(string repository, string revision, string path)
    {
        // Escaped segments cannot climb out (no '.' or '..' reaches here, '/' and '\' are escaped) and are valid names.
        var segments = new List<string> { RepositoryFolder(repository), "etags", Uri.EscapeDataString(revision) };
        segments.AddRange(path.Split('/').Select(Uri.EscapeDataString));
        return Path.Combine([.. segments]);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next clean-up; an .incomplete file is never read as a blob.
        }
    }
}
