using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingestion.HuggingFace;

/// <summary>
/// A client for the HuggingFace Hub's dataset API: lists a repository's files, opens them as streams (resumed when a
/// connection breaks, cached on disk by etag when <see cref="HuggingFaceHubOptions.CacheDirectory"/> is set), reads the
/// Parquet export and the dataset's info. Retryable failures (408, 429, 5xx, timeouts, connection errors) are retried
/// with backoff; errors are <see cref="HuggingFaceHubException"/>s that say what to do. Thread-safe; keep one.
/// </summary>
/// <remarks>
/// The <see cref="HttpClient"/> given must not follow redirects itself (the client follows them, sending the token to
/// the Hub's own host only, never to the CDN) and should decompress responses; its <see cref="HttpClient.Timeout"/>
/// should be infinite, as the client applies <see cref="HuggingFaceHubOptions.RequestTimeout"/> to each attempt.
/// </remarks>
public sealed class HuggingFaceHubClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly HubTransport _transport;
    private readonly HubCache? _cache;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="HuggingFaceHubClient"/> class over an HTTP client of the caller's.</summary>
    /// <param name="httpClient">The HTTP client: it must not follow redirects (see <see cref="HuggingFaceHubClient"/>); it is not disposed with this client.</param>
    /// <param name="options">The settings; copied, so later changes to them have no effect.</param>
    /// <param name="logger">Where retries, resumes and redirects are logged; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for the retry waits and timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are not valid (every problem is in the message).</exception>
    public HuggingFaceHubClient(HttpClient httpClient, HuggingFaceHubOptions options, ILogger<HuggingFaceHubClient>? logger = null, TimeProvider? timeProvider = null)
        : this(httpClient, ownsHttpClient: false, options, logger, timeProvider)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="HuggingFaceHubClient"/> class with an HTTP client of its own
    /// (made the way the client needs it: no automatic redirects, decompression, pooled connections renewed every few
    /// minutes), disposed with it. For use without dependency injection.
    /// </summary>
    /// <param name="options">The settings; copied, so later changes to them have no effect.</param>
    /// <param name="logger">Where retries, resumes and redirects are logged; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are not valid (every problem is in the message).</exception>
    public HuggingFaceHubClient(HuggingFaceHubOptions options, ILogger<HuggingFaceHubClient>? logger = null)
        : this(CreateHttpClient(), ownsHttpClient: true, options, logger, timeProvider: null)
    {
    }

    private HuggingFaceHubClient(HttpClient httpClient, bool ownsHttpClient, HuggingFaceHubOptions options, ILogger? logger, TimeProvider? timeProvider)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(httpClient);
            ArgumentNullException.ThrowIfNull(options);
            var problems = options.Validate();
            if (problems.Count > 0)
            {
                throw new ArgumentException($"The HuggingFace Hub options are not valid: {string.Join(" ", problems)}", nameof(options));
            }
        }
        catch when (ownsHttpClient)
        {
            httpClient?.Dispose();
            throw;
        }

        var settings = options.Clone();
        _http = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _logger = logger ?? NullLogger.Instance;
        _transport = new HubTransport(httpClient, settings, settings.ResolveToken(), _logger, timeProvider ?? TimeProvider.System);
        _cache = settings.CacheDirectory is { } folder ? new HubCache(folder) : null;
    }

    /// <summary>Gets a value indicating whether requests to the Hub carry a token (the token itself is never exposed).</summary>
    public bool HasToken => _transport.HasToken;

    /// <summary>Gets the Hub's base address.</summary>
    public Uri Endpoint => _transport.Options.Endpoint;

    /// <summary>
    /// Lists a folder of a dataset repository (<c>GET /api/datasets/{repo}/tree/{revision}[/{path}]</c>), page after
    /// page (the Hub's <c>Link: rel="next"</c>). The order is the Hub's, which is not guaranteed.
    /// </summary>
    /// <param name="repository">The dataset's id, <c>owner/name</c>.</param>
    /// <param name="revision">A branch, tag or commit; <c>main</c> by default.</param>
    /// <param name="path">The folder to list; the root when <see langword="null"/> or empty.</param>
    /// <param name="recursive">Whether to list everything below the folder (folders included) rather than its direct entries.</param>
    /// <param name="cancellationToken">Cancels the listing, in-flight requests included.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="HubNotFoundException">The repository, revision or folder does not exist.</exception>
    /// <exception cref="HubAuthenticationException">The Hub refused the request (no token, a rejected token, no access).</exception>
    /// <exception cref="HuggingFaceHubException">The Hub failed, or did not answer, within the retries.</exception>
    public IAsyncEnumerable<HubTreeEntry> ListTreeAsync(string repository, string revision = "main", string? path = null, bool recursive = false, CancellationToken cancellationToken = default)
    {
        HubPaths.ValidateRepository(repository, nameof(repository));
        HubPaths.ValidateRevision(revision, nameof(revision));
        var folder = HubPaths.NormalizePath(path ?? string.Empty, nameof(path), allowEmpty: true);
        var target = new HubTarget(repository, revision, folder);
        return ListTreeCoreAsync(HubPaths.Tree(Endpoint, repository, revision, folder, recursive), target, cancellationToken);
    }

    /// <summary>
    /// Opens a file of a dataset repository (<c>GET /datasets/{repo}/resolve/{revision}/{path}</c>), following the Hub's
    /// redirects. Without a cache the content streams from the network; with one it is downloaded into the cache
    /// first, or opened from it: with no request at all when <paramref name="expectedETag"/> is cached, with a 304
    /// when the etag recorded for this path at this revision is still current.
    /// </summary>
    /// <param name="repository">The dataset's id, <c>owner/name</c>.</param>
    /// <param name="revision">A branch, tag or commit (e.g. <c>main</c>, <c>refs/convert/parquet</c>).</param>
    /// <param name="path">The file's path in the repository (e.g. <c>gpt-5/0a1b2c3d.json</c>).</param>
    /// <param name="expectedETag">The etag the file is expected to have (its <see cref="HubTreeEntry.ETag"/>), if known.</param>
    /// <param name="cancellationToken">Cancels the open and every later read of the content.</param>
    /// <returns>The opened file; dispose it.</returns>
    /// <exception cref="HubNotFoundException">The file, revision or repository does not exist.</exception>
    /// <exception cref="HubAuthenticationException">The Hub refused the request (no token, a rejected token, no access).</exception>
    /// <exception cref="HuggingFaceHubException">The Hub failed, or did not answer, within the retries.</exception>
    public async Task<HubFile> OpenFileAsync(string repository, string revision, string path, string? expectedETag = null, CancellationToken cancellationToken = default)
    {
        HubPaths.ValidateRepository(repository, nameof(repository));
        HubPaths.ValidateRevision(revision, nameof(revision));
        var file = HubPaths.NormalizePath(path, nameof(path), allowEmpty: false);
        var target = new HubTarget(repository, revision, file);
        var uri = HubPaths.Resolve(Endpoint, repository, revision, file);
        if (_cache is null)
        {
            return await OpenNetworkAsync(uri, target, cancellationToken).ConfigureAwait(false);
        }

        var expected = HubPaths.NormalizeETag(expectedETag);
        if (HubCache.IsUsableETag(expected) && _cache.TryOpenBlob(repository, expected!) is { } cached)
        {
            HubLog.CacheHit(_logger, repository, file, revision, expected!);
            return new HubFile(cached, expected, cached.Length, commit: null, fromCache: true);
        }

        var known = _cache.ReadETag(repository, revision, file);
        if (known is not null && !_cache.HasBlob(repository, known))
        {
            known = null;
        }

        HubExchange exchange;
        while (true)
        {
            exchange = await _transport.SendAsync(uri, new HubRequest(IfNoneMatch: known), cancellationToken).ConfigureAwait(false);
            if (exchange.StatusCode != HttpStatusCode.NotModified || known is null)
            {
                break;
            }

            if (_cache.TryOpenBlob(repository, known) is { } unchanged)
            {
                HubLog.NotModified(_logger, repository, file, revision, known);
                exchange.Dispose();
                return new HubFile(unchanged, known, unchanged.Length, exchange.Commit, fromCache: true);
            }

            // The blob went away since it was looked up (the cache was cleaned meanwhile): ask for the whole file.
            exchange.Dispose();
            known = null;
        }

        HubDownloadStream download;
        try
        {
            if (exchange.StatusCode != HttpStatusCode.OK)
            {
                throw await _transport.CreateErrorAsync(exchange, target, cancellationToken).ConfigureAwait(false);
            }

            download = await HubDownloadStream.StartAsync(_transport, target, exchange, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            exchange.Dispose();
            throw;
        }

        var eTag = exchange.ETag;
        if (!HubCache.IsUsableETag(eTag))
        {
            HubLog.NotCacheable(_logger, repository, file, revision);
            return new HubFile(download, eTag, download.ContentLength, exchange.Commit, fromCache: false);
        }

        long length;
        await using (download.ConfigureAwait(false))
        {
            length = await _cache.StoreAsync(repository, eTag!, download, cancellationToken).ConfigureAwait(false);
        }

        HubLog.Cached(_logger, repository, file, revision, eTag!, length);
        try
        {
            _cache.WriteETag(repository, revision, file, eTag!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            HubLog.CacheIndexWriteFailed(_logger, repository, file, revision, ex);
        }

        var stream = HubCache.OpenRead(_cache.BlobPath(repository, eTag!));
        return new HubFile(stream, eTag, stream.Length, exchange.Commit, fromCache: false);
    }

    /// <summary>
    /// Opens a URL as a file, following its redirects, with the same retries and resumption as
    /// <see cref="OpenFileAsync"/> but without the cache: e.g. a shard URL of <see cref="GetParquetExportAsync"/>.
    /// The token is sent only if the URL is on the Hub's own host.
    /// </summary>
    /// <param name="url">An absolute http or https URL.</param>
    /// <param name="cancellationToken">Cancels the open and every later read of the content.</param>
    /// <returns>The opened file; dispose it.</returns>
    /// <exception cref="HubNotFoundException">The Hub answered 404.</exception>
    /// <exception cref="HubAuthenticationException">The Hub refused the request.</exception>
    /// <exception cref="HuggingFaceHubException">The Hub failed, or did not answer, within the retries.</exception>
    public Task<HubFile> OpenUrlAsync(Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"'{HubPaths.Redact(url)}' is not an absolute http or https URL.", nameof(url));
        }

        return OpenNetworkAsync(url, new HubTarget(null), cancellationToken);
    }

    /// <summary>
    /// Reads the dataset's Parquet export (<c>GET /api/datasets/{repo}/parquet</c>): for each config, for each split,
    /// the URLs of its shards (open them with <see cref="OpenUrlAsync"/>; they redirect to files of the
    /// <c>refs/convert/parquet</c> revision).
    /// </summary>
    /// <param name="repository">The dataset's id, <c>owner/name</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>config → split → shard URLs.</returns>
    /// <exception cref="HubNotFoundException">The repository has no Parquet export (<see cref="HubNotFoundKind.EntryNotFound"/>) or does not exist.</exception>
    /// <exception cref="HubAuthenticationException">The Hub refused the request.</exception>
    /// <exception cref="HuggingFaceHubException">The Hub failed, or did not answer, within the retries.</exception>
    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Uri>>>> GetParquetExportAsync(string repository, CancellationToken cancellationToken = default)
    {
        HubPaths.ValidateRepository(repository, nameof(repository));
        return _transport.GetJsonAsync(
            HubPaths.Parquet(Endpoint, repository),
            new HubTarget(repository, "refs/convert/parquet", MissingEntry: "Parquet export"),
            ParseParquetExport,
            cancellationToken);
    }

    /// <summary>
    /// Reads a dataset's info at a revision (<c>GET /api/datasets/{repo}/revision/{revision}</c>): the commit it points
    /// at and whether the request was authenticated. A cheap pre-flight check that the Hub is reachable, the token
    /// accepted and the repository visible.
    /// </summary>
    /// <param name="repository">The dataset's id, <c>owner/name</c>.</param>
    /// <param name="revision">A branch, tag or commit; <c>main</c> by default.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The info.</returns>
    /// <exception cref="HubNotFoundException">The repository or revision does not exist.</exception>
    /// <exception cref="HubAuthenticationException">The Hub refused the request.</exception>
    /// <exception cref="HuggingFaceHubException">The Hub failed, or did not answer, within the retries.</exception>
    public Task<HubDatasetInfo> GetDatasetInfoAsync(string repository, string revision = "main", CancellationToken cancellationToken = default)
    {
        HubPaths.ValidateRepository(repository, nameof(repository));
        HubPaths.ValidateRevision(revision, nameof(revision));
        return _transport.GetJsonAsync(HubPaths.Revision(Endpoint, repository, revision), new HubTarget(repository, revision), ParseDatasetInfo, cancellationToken);
    }

    /// <summary>Disposes the HTTP client if this client made it; one given to the constructor is left to its owner.</summary>
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }
    }

    /// <summary>The handler the client's HTTP client needs: no automatic redirects, all decompressions, connections renewed every 5 minutes (DNS changes).</summary>
    /// <returns>A new handler.</returns>
    internal static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    };

    private static HttpClient CreateHttpClient() => new(CreatePrimaryHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    private static List<HubTreeEntry> ParseTreePage(JsonElement root)
    {
        var entries = new List<HubTreeEntry>(root.GetArrayLength());
        foreach (var item in root.EnumerateArray())
        {
            var type = item.GetProperty("type").GetString() switch
            {
                "file" => HubEntryType.File,
                "directory" => HubEntryType.Directory,
                _ => HubEntryType.Unknown,
            };
            var path = item.GetProperty("path").GetString() ?? throw new FormatException("A tree entry has a null path.");
            var oid = item.TryGetProperty("oid", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            var size = item.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : 0;
            var lfsOid = item.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object
                && lfs.TryGetProperty("oid", out var l) && l.ValueKind == JsonValueKind.String
                    ? l.GetString()
                    : null;
            entries.Add(new HubTreeEntry(type, path, oid, size, lfsOid));
        }

        return entries;
    }

    /// <summary>The <c>rel="next"</c> URL of a <c>Link</c> header (<c>&lt;url&gt;; rel="next"</c>), or <see langword="null"/> on the last page.</summary>
    private static Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.NonValidated.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            var position = 0;
            while ((position = value.IndexOf('<', position)) >= 0)
            {
                var end = value.IndexOf('>', position);
                if (end < 0)
                {
                    break;
                }

                var url = value[(position + 1)..end];
                var next = value.IndexOf('<', end);
                var parameters = next < 0 ? value[(end + 1)..] : value[(end + 1)..next];
                var isNext = parameters.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p.Split('=', 2, StringSplitOptions.TrimEntries))
                    .Any(p => p.Length == 2 && p[0].Equals("rel", StringComparison.OrdinalIgnoreCase)
                        && p[1].Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("next", StringComparer.OrdinalIgnoreCase));
                if (isNext && Uri.TryCreate(current, url, out var uri))
                {
                    return uri;
                }

                position = end;
            }
        }

        return null;
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Uri>>> ParseParquetExport(JsonElement root, HubExchange exchange)
    {
        var configs = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Uri>>>(StringComparer.Ordinal);
        foreach (var config in root.EnumerateObject())
        {
            var splits = new Dictionary<string, IReadOnlyList<Uri>>(StringComparer.Ordinal);
            foreach (var split in config.Value.EnumerateObject())
            {
                splits[split.Name] = split.Value.EnumerateArray()
                    .Select(url => new Uri(exchange.FinalUri, url.GetString() ?? throw new FormatException("A shard URL is null.")))
                    .ToArray();
            }

            configs[config.Name] = splits;
        }

        return configs;
    }

    private static HubDatasetInfo ParseDatasetInfo(JsonElement root, HubExchange exchange)
    {
        var id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : string.Empty;
        var sha = root.GetProperty("sha").GetString() ?? throw new FormatException("The dataset info has a null sha.");
        var isPrivate = root.TryGetProperty("private", out var p) && p.ValueKind == JsonValueKind.True;

        // "gated" is false, or the approval mode ("auto", "manual").
        var isGated = root.TryGetProperty("gated", out var g) && g.ValueKind is JsonValueKind.True or JsonValueKind.String;
        DateTimeOffset? lastModified = root.TryGetProperty("lastModified", out var m) && m.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(m.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : null;
        return new HubDatasetInfo(id, sha, isPrivate, isGated, lastModified, exchange.TokenSent);
    }

    private async IAsyncEnumerable<HubTreeEntry> ListTreeCoreAsync(Uri first, HubTarget target, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Uri? page = first;
        while (page is not null)
        {
            if (!seen.Add(page.AbsoluteUri))
            {
                throw new HuggingFaceHubException($"GET {HubPaths.Redact(page)}: the Hub's next-page link points back at a page already read.");
            }

            var (entries, next) = await _transport.GetJsonAsync(
                page,
                target,
                (root, exchange) => (ParseTreePage(root), NextPage(exchange.Response, exchange.FinalUri)),
                cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                yield return entry;
            }

            page = next;
        }
    }

    private async Task<HubFile> OpenNetworkAsync(Uri uri, HubTarget target, CancellationToken cancellationToken)
    {
        var exchange = await _transport.SendAsync(uri, default, cancellationToken).ConfigureAwait(false);
        try
        {
            if (exchange.StatusCode != HttpStatusCode.OK)
            {
                throw await _transport.CreateErrorAsync(exchange, target, cancellationToken).ConfigureAwait(false);
            }

            var download = await HubDownloadStream.StartAsync(_transport, target, exchange, cancellationToken).ConfigureAwait(false);
            return new HubFile(download, exchange.ETag, download.ContentLength, exchange.Commit, fromCache: false);
        }
        catch
        {
            exchange.Dispose();
            throw;
        }
    }
}
