// TEMPORARY: stands in for the types other branches bring (hub client, Parquet/JSONL readers); deleted at the merge.
#pragma warning disable
namespace Ingestion.HuggingFace;

internal class HuggingFaceHubException : Exception { public HuggingFaceHubException(string m) : base(m) { } }
internal sealed class HubAuthenticationException : HuggingFaceHubException { public HubAuthenticationException(string m) : base(m) { } }
internal enum HubNotFoundKind { EntryNotFound, RepositoryNotFound, RevisionNotFound }
internal sealed class HubNotFoundException : HuggingFaceHubException { public HubNotFoundException(string m) : base(m) { } public HubNotFoundKind Kind { get; } }
internal static class SubmissionParquet { public static IAsyncEnumerable<TaskSubmission> ReadAsync(Stream s, CancellationToken ct = default) => throw new NotImplementedException(); }
internal static class SubmissionJsonLines { public static IAsyncEnumerable<TaskSubmission> ReadAsync(Stream s, CancellationToken ct = default) => throw new NotImplementedException(); }
public sealed class HuggingFaceHubOptions { public HuggingFaceHubOptions Clone() => (HuggingFaceHubOptions)MemberwiseClone(); public Uri Endpoint { get; set; } = new("https://huggingface.co"); public string? Token { get; set; } public string? CacheDirectory { get; set; } }
internal sealed record HubTreeEntry(string Type, string Path, string Oid, long Size) { public bool IsDirectory => Type == "directory"; public bool IsFile => Type == "file"; public string ETag => Oid; }
internal sealed class HubFile : IAsyncDisposable { public Stream Content { get; init; } = Stream.Null; public ValueTask DisposeAsync() => ValueTask.CompletedTask; }
internal sealed record HubDatasetInfo(string Sha);
internal sealed class HuggingFaceHubClient
{
    public HuggingFaceHubClient(HttpClient h, HuggingFaceHubOptions o, Microsoft.Extensions.Logging.ILogger<HuggingFaceHubClient>? l = null, TimeProvider? t = null) { }
    public bool HasToken => false;
    internal static SocketsHttpHandler CreatePrimaryHandler() => new() { AllowAutoRedirect = false };
    public IAsyncEnumerable<HubTreeEntry> ListTreeAsync(string repository, string revision = "main", string? path = null, bool recursive = false, CancellationToken ct = default) => throw new NotImplementedException();
    public Task<HubFile> OpenFileAsync(string repository, string revision, string path, string? expectedETag = null, CancellationToken ct = default) => throw new NotImplementedException();
    public Task<HubDatasetInfo> GetDatasetInfoAsync(string repository, string revision = "main", CancellationToken ct = default) => throw new NotImplementedException();
}
