using System.Security.Cryptography;
using System.Text;

#pragma warning disable CA5350 // Git names commits, trees and blobs by SHA-1; that is the format, not a security choice.

namespace Ingestion.TestUtilities;

/// <summary>A fake repository: who may read it, and its files at each revision.</summary>
internal sealed class FakeRepository(string id)
{
    public string Id { get; } = id;

    public FakeRepoAccess Access { get; set; }

    public HashSet<string> GrantedTokens { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FakeRevision> Revisions { get; } = new(StringComparer.Ordinal);
}

/// <summary>A revision's snapshot: its commit, its files by path, and the folders they make.</summary>
internal sealed class FakeRevision
{
    public FakeRevision(string repository, string name, IReadOnlyList<FakeFile> files)
    {
        Name = name;
        Commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"fake-commit:{repository}@{name}")));
        Files = files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var folders = new SortedSet<string>(StringComparer.Ordinal) { string.Empty };
        foreach (var file in files)
        {
            for (var slash = file.Path.IndexOf('/'); slash >= 0; slash = file.Path.IndexOf('/', slash + 1))
            {
                folders.Add(file.Path[..slash]);
            }
        }

        Folders = folders;
        FolderOids = folders.ToDictionary(
            folder => folder,
            folder => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("tree " + string.Join('\n', files.Where(f => IsBelow(f.Path, folder)).Select(f => f.Path + ' ' + f.Oid))))),
            StringComparer.Ordinal);
    }

    public string Name { get; }

    public string Commit { get; }

    public IReadOnlyDictionary<string, FakeFile> Files { get; }

    public SortedSet<string> Folders { get; }

    public IReadOnlyDictionary<string, string> FolderOids { get; }

    public static bool IsBelow(string path, string folder) => folder.Length == 0 || path.StartsWith(folder + "/", StringComparison.Ordinal);
}

/// <summary>A file's content and hashes, as git and git-lfs name them.</summary>
internal sealed class FakeFile
{
    public FakeFile(string path, byte[] content, bool isLfs)
    {
        Path = path;
        Content = content;
        IsLfs = isLfs;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        if (isLfs)
        {
            Pointer = $"version https://git-lfs.github.com/spec/v1\noid sha256:{Sha256}\nsize {content.Length}\n";
            Oid = FakeHub.GitBlobSha1(Encoding.UTF8.GetBytes(Pointer));
        }
        else
        {
            Oid = FakeHub.GitBlobSha1(content);
        }
    }

    public string Path { get; }

    public byte[] Content { get; }

    public bool IsLfs { get; }

    /// <summary>The git blob SHA-1: of the content, or of the LFS pointer for an LFS file.</summary>
    public string Oid { get; }

    public string Sha256 { get; }

    public string? Pointer { get; }

    /// <summary>What the Hub serves as the etag: the SHA-256 for LFS, else the blob SHA-1.</summary>
    public string ETag => IsLfs ? Sha256 : Oid;

    public string ContentType => System.IO.Path.GetExtension(Path) switch
    {
        ".json" => "application/json",
        ".jsonl" or ".txt" or ".md" or ".csv" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}

internal enum FakeFaultKind
{
    Fail,
    Delay,
    Truncate,
}

/// <summary>A switched-on fault: what it does, to which paths, and how many more requests it applies to.</summary>
internal sealed class FakeFault
{
    public required FakeFaultKind Kind { get; init; }

    public required Func<string, bool> Matches { get; init; }

    public int Remaining { get; set; }

    public int StatusCode { get; init; }

    public int? RetryAfterSeconds { get; init; }

    public int? RateLimitResetSeconds { get; init; }

    public TimeSpan Delay { get; init; }

    public long AfterBytes { get; init; }
}
