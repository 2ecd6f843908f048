using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ingestion.TestUtilities;

/// <summary>
/// A fake HuggingFace Hub on Kestrel loopback, serving dataset repositories from folders on disk, faithful to what the
/// client relies on (see <c>HUGGINGFACE-HUB.md</c>, "What a faithful fake must reproduce"): tree listing with
/// <c>Link</c> pagination, raw and <c>%2F</c>-encoded revisions and paths, git oids and etags, resolve as a direct 200,
/// a relative 307 or a 302 to a second server acting as the CDN (which sends no HF headers and refuses a request that
/// carries both a signature and an <c>Authorization</c> header, as S3 does), <c>If-None-Match</c>, ranges, the Hub's
/// error headers and bodies, public/private/gated repositories and tokens, RateLimit headers, and the Parquet export
/// endpoints. Faults are switched on at run time (thread-safe), and every request is recorded.
/// </summary>
public sealed class FakeHub : IAsyncDisposable
{
    /// <summary>The message the Hub sends with a 401 for a token it does not know.</summary>
    public const string InvalidCredentialsMessage = "Invalid credentials in Authorization header";

    /// <summary>The revision the Parquet export lives on.</summary>
    public const string ParquetRevision = "refs/convert/parquet";

    private const int RateLimitQuota = 1000;
    private const int RateLimitWindowSeconds = 300;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeRepository> _repositories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeFile> _cdnObjects = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tokens = new(StringComparer.Ordinal);
    private readonly List<FakeFault> _faults = [];
    private readonly List<FakeHubRequest> _requests = [];
    private readonly Dictionary<string, int> _bucketCounts = new(StringComparer.Ordinal);
    private readonly long _started = Stopwatch.GetTimestamp();
    private LoopbackHost? _hub;
    private LoopbackHost? _cdn;
    private volatile bool _ignoreRange;
    private volatile bool _gzip;
    private volatile bool _requireToken;
    private volatile int _pageSize = 1000;
    private volatile int _expandPageSize = 50;
    private volatile FakeHubResolveMode _resolveMode;
    private int _disposed;

    private FakeHub()
    {
    }

    /// <summary>The Hub's base address, e.g. <c>http://127.0.0.1:41234/</c>: the client's endpoint.</summary>
    public Uri Endpoint => _hub!.BaseAddress;

    /// <summary>The CDN's base address (another port).</summary>
    public Uri CdnEndpoint => _cdn!.BaseAddress;

    /// <summary>Entries per tree page without <c>expand</c>. Default 1000, as the Hub.</summary>
    public int PageSize
    {
        get => _pageSize;
        set => _pageSize = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>Entries per tree page with <c>expand=true</c>. Default 50, as the Hub.</summary>
    public int ExpandPageSize
    {
        get => _expandPageSize;
        set => _expandPageSize = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>How resolve answers. Default <see cref="FakeHubResolveMode.ByFileKind"/>.</summary>
    public FakeHubResolveMode ResolveMode
    {
        get => _resolveMode;
        set => _resolveMode = value;
    }

    /// <summary>Whether Range headers are ignored (a full 200 instead of a 206), as a CDN with gzip can do.</summary>
    public bool IgnoreRange
    {
        get => _ignoreRange;
        set => _ignoreRange = value;
    }

    /// <summary>Whether full-file answers are gzipped (to clients that accept it), chunked, without Content-Length.</summary>
    public bool Gzip
    {
        get => _gzip;
        set => _gzip = value;
    }

    /// <summary>Whether every Hub request without a token is refused with 401, whatever the repository.</summary>
    public bool RequireToken
    {
        get => _requireToken;
        set => _requireToken = value;
    }

    /// <summary>Which files (by path) are stored in LFS: decides their oid, <c>lfs</c> field and etag; read by <see cref="AddDataset"/>. Default: <c>*.parquet</c>.</summary>
    public Func<string, bool> IsLfs { get; set; } = path => path.EndsWith(".parquet", StringComparison.Ordinal);

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<FakeHubRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts the Hub and its CDN on two free loopback ports.</summary>
    public static async Task<FakeHub> StartAsync()
    {
        var fake = new FakeHub();
        try
        {
            fake._cdn = await LoopbackHost.StartAsync(_ => { }, app => app.Run(fake.HandleCdnAsync));
            fake._hub = await LoopbackHost.StartAsync(_ => { }, app => app.Run(fake.HandleHubAsync));
            return fake;
        }
        catch
        {
            await fake.DisposeAsync();
            throw;
        }
    }

    /// <summary>The git blob SHA-1 of a content: SHA-1 of <c>"blob {length}\0"</c> followed by the bytes.</summary>
    public static string GitBlobSha1(ReadOnlySpan<byte> content)
    {
        var header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
        var all = new byte[header.Length + content.Length];
        header.CopyTo(all, 0);
        content.CopyTo(all.AsSpan(header.Length));
#pragma warning disable CA5350 // Git names blobs by SHA-1; that is the format, not a security choice.
        return Convert.ToHexStringLower(SHA1.HashData(all));
#pragma warning restore CA5350
    }

    /// <summary>Serves the files under <paramref name="directory"/> (read now) as the repository's tree at <paramref name="revision"/>.</summary>
    public void AddDataset(string repository, string directory, string revision = "main")
    {
        var root = Path.GetFullPath(directory);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(full => Path.GetRelativePath(root, full).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(relative => new FakeFile(relative, File.ReadAllBytes(Path.Combine(root, relative)), IsLfs(relative)))
            .ToList();
        var snapshot = new FakeRevision(repository, revision, files);
        lock (_lock)
        {
            var repo = Repository(repository);
            repo.Revisions[revision] = snapshot;
            foreach (var file in files)
            {
                _cdnObjects[CdnKey(repository, file)] = file;
            }
        }
    }

    /// <summary>
    /// Serves the files under <paramref name="directory"/> (laid out <c>{config}/{split}/{NNNN}.parquet</c>) as the
    /// <c>refs/convert/parquet</c> revision, and lists them at <c>/api/datasets/{repo}/parquet</c>.
    /// </summary>
    public void AddParquetExport(string repository, string directory) => AddDataset(repository, directory, ParquetRevision);

    /// <summary>Makes the repository public, private or gated; <paramref name="grantedTokens"/> may read it (and become valid tokens).</summary>
    public void SetAccess(string repository, FakeRepoAccess access, params string[] grantedTokens)
    {
        lock (_lock)
        {
            var repo = Repository(repository);
            repo.Access = access;
            foreach (var token in grantedTokens)
            {
                repo.GrantedTokens.Add(token);
                _tokens.Add(token);
            }
        }
    }

    /// <summary>Makes <paramref name="token"/> a valid token (one the Hub knows); other tokens get 401 "Invalid credentials".</summary>
    public void AddToken(string token)
    {
        lock (_lock)
        {
            _tokens.Add(token);
        }
    }

    /// <summary>The fake commit (40 hex digits) of a repository's revision.</summary>
    public string CommitOf(string repository, string revision = "main")
    {
        lock (_lock)
        {
            return _repositories[repository].Revisions[revision].Commit;
        }
    }

    /// <summary>The etag the fake serves a file with (the oid, or the SHA-256 for an LFS file).</summary>
    public string ETagOf(string repository, string path, string revision = "main")
    {
        lock (_lock)
        {
            return _repositories[repository].Revisions[revision].Files[path].ETag;
        }
    }

    /// <summary>Answers the next <paramref name="count"/> matching requests with <paramref name="statusCode"/> (e.g. 408, 500, 502, 503, 504) and an error body.</summary>
    public void FailNext(int count, int statusCode, Func<string, bool>? path = null)
        => AddFault(new FakeFault { Kind = FakeFaultKind.Fail, Remaining = count, StatusCode = statusCode, Matches = path ?? (_ => true) });

    /// <summary>
    /// Answers the next <paramref name="count"/> matching requests with 429: with <c>Retry-After: {seconds}</c> when
    /// <paramref name="useRetryAfter"/>, else with <c>RateLimit: "api";r=0;t={seconds}</c>.
    /// </summary>
    public void RateLimitNext(int count, int seconds, bool useRetryAfter, Func<string, bool>? path = null)
        => AddFault(new FakeFault
        {
            Kind = FakeFaultKind.Fail,
            Remaining = count,
            StatusCode = 429,
            RetryAfterSeconds = useRetryAfter ? seconds : null,
            RateLimitResetSeconds = useRetryAfter ? null : seconds,
            Matches = path ?? (_ => true),
        });

    /// <summary>Holds the next <paramref name="count"/> matching requests for <paramref name="delay"/> before answering (before any header).</summary>
    public void Delay(TimeSpan delay, Func<string, bool>? path = null, int count = int.MaxValue)
        => AddFault(new FakeFault { Kind = FakeFaultKind.Delay, Remaining = count, Delay = delay, Matches = path ?? (_ => true) });

    /// <summary>
    /// Cuts the connection of the next <paramref name="count"/> matching file answers after <paramref name="afterBytes"/>
    /// bytes of body (the headers still announce the whole length, so the client sees a premature end).
    /// </summary>
    public void TruncateNext(int count, long afterBytes, Func<string, bool>? path = null)
        => AddFault(new FakeFault { Kind = FakeFaultKind.Truncate, Remaining = count, AfterBytes = afterBytes, Matches = path ?? (_ => true) });

    /// <summary>Switches every fault off.</summary>
    public void ClearFaults()
    {
        lock (_lock)
        {
            _faults.Clear();
        }
    }

    /// <summary>Forgets the requests recorded so far.</summary>
    public void ClearRequests()
    {
        lock (_lock)
        {
            _requests.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }

        if (_cdn is not null)
        {
            await _cdn.DisposeAsync();
        }
    }

    private static string CdnKey(string repository, FakeFile file)
        => $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repository)))[..16]}/{file.ETag}";

    private static bool TryParseBool(string? value, bool fallback, out bool result)
    {
        result = fallback;
        if (value is null)
        {
            return true;
        }

        switch (value.ToLowerInvariant())
        {
            case "true" or "1":
                result = true;
                return true;
            case "false" or "0":
                result = false;
                return true;
            default:
                return false;
        }
    }

    private static string EncodePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        context.Response.ContentLength = buffer.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(buffer.ToArray());
        }
    }

    /// <summary>An error as the Hub sends it: <c>X-Error-Code</c>, <c>X-Error-Message</c>, and <c>{"error": …}</c> (no body for HEAD).</summary>
    private static Task ErrorAsync(HttpContext context, int status, string? code, string message, string? commit = null)
    {
        if (code is not null)
        {
            context.Response.Headers["X-Error-Code"] = code;
        }

        context.Response.Headers["X-Error-Message"] = message;
        if (commit is not null)
        {
            context.Response.Headers["X-Repo-Commit"] = commit;
        }

        return WriteJsonAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        });
    }

    private static async Task TextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(bytes);
        }
    }

    /// <summary>A single <c>bytes=a-b</c>, <c>a-</c> or <c>-n</c>; <see langword="null"/> when absent or not understood (the whole file is sent).</summary>
    private static (long From, long To)? ParseRange(string? header, long length, out bool unsatisfiable)
    {
        unsatisfiable = false;
        if (header is null || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(','))
        {
            return null;
        }

        var spec = header["bytes=".Length..].Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return null;
        }

        var first = spec[..dash];
        var last = spec[(dash + 1)..];
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix) || suffix == 0)
            {
                unsatisfiable = suffix == 0 && last.Length > 0;
                return null;
            }

            return (Math.Max(0, length - suffix), length - 1);
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
        {
            return null;
        }

        var to = length - 1;
        if (last.Length > 0 && (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out to) || to < from))
        {
            return null;
        }

        if (from >= length)
        {
            unsatisfiable = true;
            return null;
        }

        return (from, Math.Min(to, length - 1));
    }

    private FakeRepository Repository(string repository)
    {
        if (!_repositories.TryGetValue(repository, out var repo))
        {
            repo = new FakeRepository(repository);
            _repositories[repository] = repo;
        }

        return repo;
    }

    private void AddFault(FakeFault fault)
    {
        lock (_lock)
        {
            _faults.Add(fault);
        }
    }

    /// <summary>Takes one use of the first matching fault of that kind, if any.</summary>
    private FakeFault? TakeFault(FakeFaultKind kind, string path)
    {
        lock (_lock)
        {
            var fault = _faults.FirstOrDefault(f => f.Kind == kind && f.Remaining > 0 && f.Matches(path));
            if (fault is not null)
            {
                fault.Remaining--;
            }

            return fault;
        }
    }

    private FakeHubRequest Record(HttpContext context, FakeHubHost host, string rawTarget, string path)
    {
        var request = new FakeHubRequest(
            host,
            context.Request.Method,
            rawTarget,
            path,
            context.Request.Headers.Authorization.FirstOrDefault(),
            context.Request.Headers.Range.FirstOrDefault(),
            context.Request.Headers.IfNoneMatch.FirstOrDefault(),
            DateTimeOffset.UtcNow,
            Stopwatch.GetElapsedTime(_started));
        lock (_lock)
        {
            _requests.Add(request);
        }

        return request;
    }

    /// <summary>Records the request, applies the delay and failure faults; <see langword="false"/> when it has been answered (or dropped).</summary>
    private async Task<(FakeHubRequest Request, string Path, bool Go)> BeginAsync(HttpContext context, FakeHubHost host)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var rawPath = rawTarget.Split('?')[0];
        var path = Uri.UnescapeDataString(rawPath);
        var request = Record(context, host, rawTarget, path);
        context.Response.OnStarting(() =>
        {
            // Recorded as the headers go out, so that a test which has read the answer sees its status. Kestrel also
            // runs this after the client went away (to end the response), when nothing is sent.
            if (!context.RequestAborted.IsCancellationRequested)
            {
                request.StatusCode = context.Response.StatusCode;
            }

            return Task.CompletedTask;
        });
        if (host == FakeHubHost.Hub)
        {
            AddHubHeaders(context, path, rateLimited: false);
        }

        if (TakeFault(FakeFaultKind.Delay, path) is { } delay)
        {
            try
            {
                await Task.Delay(delay.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return (request, path, false);
            }
        }

        if (TakeFault(FakeFaultKind.Fail, path) is { } failure)
        {
            if (failure.RetryAfterSeconds is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            }

            if (failure.RateLimitResetSeconds is { } reset)
            {
                var bucket = Bucket(path);
                context.Response.Headers["RateLimit"] = $"\"{bucket}\";r=0;t={reset}";
                context.Response.Headers["RateLimit-Policy"] = $"\"fixed window\";\"{bucket}\";q={RateLimitQuota};w={RateLimitWindowSeconds}";
            }

            var message = failure.StatusCode == 429
                ? "You have exceeded our rate limit. Retry later."
                : $"Injected failure {failure.StatusCode}";
            await ErrorAsync(context, failure.StatusCode, null, message);
            return (request, path, false);
        }

        return (request, path, true);
    }

    private static string Bucket(string path) => path.Contains("/resolve/", StringComparison.Ordinal) || path.StartsWith("/api/resolve-cache/", StringComparison.Ordinal) ? "resolvers" : "api";

    private void AddHubHeaders(HttpContext context, string path, bool rateLimited)
    {
        var bucket = Bucket(path);
        int used;
        lock (_lock)
        {
            _bucketCounts[bucket] = used = _bucketCounts.GetValueOrDefault(bucket) + 1;
        }

        var elapsed = (int)Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var headers = context.Response.Headers;
        headers["X-Request-Id"] = $"Root=1-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
        if (!rateLimited)
        {
            headers["RateLimit"] = $"\"{bucket}\";r={Math.Max(0, RateLimitQuota - used)};t={RateLimitWindowSeconds - (elapsed % RateLimitWindowSeconds)}";
            headers["RateLimit-Policy"] = $"\"fixed window\";\"{bucket}\";q={RateLimitQuota};w={RateLimitWindowSeconds}";
        }
    }

    private async Task HandleHubAsync(HttpContext context)
    {
        var (request, path, go) = await BeginAsync(context, FakeHubHost.Hub);
        try
        {
            if (go)
            {
                await RouteHubAsync(context, path);
            }
        }
        finally
        {
            request.StatusCode = context.Response.HasStarted || !context.RequestAborted.IsCancellationRequested ? context.Response.StatusCode : 0;
        }
    }

    private async Task RouteHubAsync(HttpContext context, string path)
    {
        var token = context.Request.Headers.Authorization.FirstOrDefault() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            ? authorization["Bearer ".Length..].Trim()
            : null;
        bool known;
        lock (_lock)
        {
            known = token is null || _tokens.Contains(token);
        }

        if (!known)
        {
            await ErrorAsync(context, 401, null, InvalidCredentialsMessage);
            return;
        }

        if (RequireToken && token is null)
        {
            await ErrorAsync(context, 401, null, "Authentication required: send a token.");
            return;
        }

        var segments = path.Trim('/').Split('/');
        if (segments.Length >= 5 && segments[0] == "api" && segments[1] == "datasets")
        {
            var repository = $"{segments[2]}/{segments[3]}";
            var rest = string.Join('/', segments[5..]);
            switch (segments[4])
            {
                case "tree":
                    await TreeAsync(context, repository, rest, token);
                    return;
                case "revision":
                    await RevisionInfoAsync(context, repository, rest, token);
                    return;
                case "parquet":
                    await ParquetAsync(context, repository, segments[5..], token);
                    return;
            }
        }
        else if (segments.Length >= 6 && segments[0] == "datasets" && segments[3] == "resolve")
        {
            await ResolveAsync(context, $"{segments[1]}/{segments[2]}", string.Join('/', segments[4..]), token);
            return;
        }
        else if (segments.Length >= 7 && segments[0] == "api" && segments[1] == "resolve-cache" && segments[2] == "datasets")
        {
            await ResolveCacheAsync(context, $"{segments[3]}/{segments[4]}", segments[5], string.Join('/', segments[6..]), token);
            return;
        }

        await TextAsync(context, 404, "Not Found");
    }

    /// <summary>Whether the token may read the repository; if not, the Hub's answer has been sent.</summary>
    private async Task<FakeRepository?> AuthorizeAsync(HttpContext context, string repository, string? token, bool download)
    {
        FakeRepository? repo;
        bool granted;
        lock (_lock)
        {
            repo = _repositories.GetValueOrDefault(repository);
            granted = repo is not null && token is not null && repo.GrantedTokens.Contains(token);
        }

        if (repo is null || (repo.Access == FakeRepoAccess.Private && !granted))
        {
            // Missing and private look the same: 401 without a token, 404 with one.
            await ErrorAsync(context, token is null ? 401 : 404, "RepoNotFound", "Repository not found");
            return null;
        }

        if (repo.Access == FakeRepoAccess.Gated && download && !granted)
        {
            if (token is null)
            {
                await ErrorAsync(context, 401, "GatedRepo", $"Access to dataset {repository} is restricted. You must have access to it and be authenticated to access it. Please log in.");
            }
            else
            {
                await ErrorAsync(context, 403, "GatedRepo", $"Access to dataset {repository} is restricted and you are not in the authorized list. Visit https://huggingface.co/datasets/{repository} to ask for access.");
            }

            return null;
        }

        return repo;
    }

    /// <summary>
    /// Splits <c>{revision}/{path}</c>, where the revision may itself hold slashes (decoded from <c>%2F</c> or sent raw):
    /// the longest known revision (or commit) that prefixes it wins, as the Hub matches refs.
    /// </summary>
    private (FakeRevision? Revision, string Path, string Asked) SplitRevision(FakeRepository repo, string rest)
    {
        lock (_lock)
        {
            var candidates = repo.Revisions.Values.SelectMany(r => new[] { (Name: r.Name, Revision: r), (Name: r.Commit, Revision: r) })
                .Where(c => rest == c.Name || rest.StartsWith(c.Name + "/", StringComparison.Ordinal))
                .OrderByDescending(c => c.Name.Length)
                .ToList();
            if (candidates.Count > 0)
            {
                var (name, revision) = candidates[0];
                return (revision, rest.Length > name.Length ? rest[(name.Length + 1)..] : string.Empty, name);
            }
        }

        var slash = rest.IndexOf('/');
        return (null, string.Empty, slash < 0 ? rest : rest[..slash]);
    }

    private async Task TreeAsync(HttpContext context, string repository, string rest, string? token)
    {
        if (await AuthorizeAsync(context, repository, token, download: false) is not { } repo)
        {
            return;
        }

        var (revision, folder, asked) = SplitRevision(repo, rest);
        if (revision is null)
        {
            await ErrorAsync(context, 404, "RevisionNotFound", $"Invalid rev id: {asked}");
            return;
        }

        folder = folder.Trim('/');
        var query = context.Request.Query;
        if (!TryParseBool(query["recursive"].FirstOrDefault(), false, out var recursive) || !TryParseBool(query["expand"].FirstOrDefault(), false, out var expand))
        {
            await ErrorAsync(context, 400, null, "Invalid boolean in query: use true/false or 1/0.");
            return;
        }

        if (!revision.Folders.Contains(folder))
        {
            await ErrorAsync(context, 404, "EntryNotFound", $"{folder} does not exist on \"{revision.Name}\"", revision.Commit);
            return;
        }

        bool IsListed(string path) => FakeRevision.IsBelow(path, folder) && (recursive || !path[(folder.Length == 0 ? 0 : folder.Length + 1)..].Contains('/'));

        var entries = revision.Folders.Where(f => f.Length > 0 && f != folder && IsListed(f)).Select(f => (Path: f, File: (FakeFile?)null))
            .Concat(revision.Files.Values.Where(f => IsListed(f.Path)).Select(f => (f.Path, File: (FakeFile?)f)))
            .OrderBy(e => e.Path, StringComparer.Ordinal)
            .ToList();

        var pageSize = expand ? ExpandPageSize : PageSize;
        if (int.TryParse(query["limit"].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0)
        {
            pageSize = Math.Min(pageSize, limit);
        }

        var offset = 0;
        if (query["cursor"].FirstOrDefault() is { } cursor)
        {
            try
            {
                offset = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split(':')[1], CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException)
            {
                await ErrorAsync(context, 400, null, "Invalid cursor");
                return;
            }
        }

        var page = entries.Skip(offset).Take(pageSize).ToList();
        if (offset + pageSize < entries.Count)
        {
            // The next URL is absolute and keeps the request's path (encoded as it was sent) and query, plus a cursor.
            var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            var rawPath = rawTarget.Split('?')[0];
            var parameters = query.Where(q => q.Key != "cursor").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
                .Append("cursor=" + Uri.EscapeDataString(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{revision.Commit}:{offset + pageSize}"))));
            var next = $"{Endpoint.GetLeftPart(UriPartial.Authority)}{rawPath}?{string.Join('&', parameters)}";
            context.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        }

        await WriteJsonAsync(context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var (entryPath, file) in page)
            {
                w.WriteStartObject();
                if (file is null)
                {
                    w.WriteString("type", "directory");
                    w.WriteString("oid", revision.FolderOids[entryPath]);
                    w.WriteNumber("size", 0);
                    w.WriteString("path", entryPath);
                }
                else
                {
                    w.WriteString("type", "file");
                    w.WriteString("oid", file.Oid);
                    w.WriteNumber("size", file.Content.Length);
                    w.WriteString("path", file.Path);
                    if (file.IsLfs)
                    {
                        w.WriteStartObject("lfs");
                        w.WriteString("oid", file.Sha256);
                        w.WriteNumber("size", file.Content.Length);
                        w.WriteNumber("pointerSize", Encoding.UTF8.GetByteCount(file.Pointer!));
                        w.WriteEndObject();
                    }
                }

                if (expand)
                {
                    w.WriteStartObject("lastCommit");
                    w.WriteString("id", revision.Commit);
                    w.WriteString("title", "Upload folder using huggingface_hub");
                    w.WriteString("date", "2026-06-04T12:00:00.000Z");
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private async Task RevisionInfoAsync(HttpContext context, string repository, string rest, string? token)
    {
        if (await AuthorizeAsync(context, repository, token, download: false) is not { } repo)
        {
            return;
        }

        var (revision, leftover, asked) = SplitRevision(repo, rest);
        if (revision is null || leftover.Length > 0)
        {
            await ErrorAsync(context, 404, "RevisionNotFound", $"Invalid rev id: {asked}");
            return;
        }

        await WriteJsonAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("_id", revision.Commit[..24]);
            w.WriteString("id", repository);
            w.WriteString("author", repository.Split('/')[0]);
            w.WriteString("sha", revision.Commit);
            w.WriteString("lastModified", "2026-06-04T12:00:00.000Z");
            w.WriteBoolean("private", repo.Access == FakeRepoAccess.Private);
            if (repo.Access == FakeRepoAccess.Gated)
            {
                w.WriteString("gated", "manual");
            }
            else
            {
                w.WriteBoolean("gated", false);
            }

            w.WriteBoolean("disabled", false);
            w.WriteStartArray("siblings");
            foreach (var file in revision.Files.Keys)
            {
                w.WriteStartObject();
                w.WriteString("rfilename", file);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private async Task ParquetAsync(HttpContext context, string repository, string[] rest, string? token)
    {
        if (await AuthorizeAsync(context, repository, token, download: false) is not { } repo)
        {
            return;
        }

        FakeRevision? export;
        lock (_lock)
        {
            export = repo.Revisions.GetValueOrDefault(ParquetRevision);
        }

        if (export is null)
        {
            await ErrorAsync(context, 404, null, "Not found: this dataset has no Parquet export.");
            return;
        }

        // {config}/{split}/{NNNN}.parquet, in shard order.
        var shards = export.Files.Keys.Select(p => p.Split('/')).Where(p => p.Length == 3 && p[2].EndsWith(".parquet", StringComparison.Ordinal))
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.GroupBy(p => p[1]).ToDictionary(s => s.Key, s => s.Select(p => p[2]).Order(StringComparer.Ordinal).ToList()));
        string ShardUrl(string config, string split, int n)
            => $"{Endpoint.AbsoluteUri}api/datasets/{repository}/parquet/{Uri.EscapeDataString(config)}/{Uri.EscapeDataString(split)}/{n}.parquet";

        if (rest.Length == 0)
        {
            await WriteJsonAsync(context, 200, w =>
            {
                w.WriteStartObject();
                foreach (var (config, splits) in shards)
                {
                    w.WriteStartObject(config);
                    foreach (var (split, files) in splits)
                    {
                        w.WriteStartArray(split);
                        for (var n = 0; n < files.Count; n++)
                        {
                            w.WriteStringValue(ShardUrl(config, split, n));
                        }

                        w.WriteEndArray();
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            });
            return;
        }

        if (rest.Length >= 2 && shards.TryGetValue(rest[0], out var configSplits) && configSplits.TryGetValue(rest[1], out var shardFiles))
        {
            if (rest.Length == 2)
            {
                await WriteJsonAsync(context, 200, w =>
                {
                    w.WriteStartArray();
                    for (var n = 0; n < shardFiles.Count; n++)
                    {
                        w.WriteStringValue(ShardUrl(rest[0], rest[1], n));
                    }

                    w.WriteEndArray();
                });
                return;
            }

            if (rest.Length == 3 && rest[2].EndsWith(".parquet", StringComparison.Ordinal)
                && int.TryParse(rest[2][..^".parquet".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < shardFiles.Count)
            {
                context.Response.Headers.Location = $"/datasets/{repository}/resolve/{Uri.EscapeDataString(ParquetRevision)}/{Uri.EscapeDataString(rest[0])}/{Uri.EscapeDataString(rest[1])}/{shardFiles[index]}";
                await TextAsync(context, 302, "Found. Redirecting.");
                return;
            }
        }

        await ErrorAsync(context, 404, null, "Not found");
    }

    private async Task ResolveAsync(HttpContext context, string repository, string rest, string? token)
    {
        if (await AuthorizeAsync(context, repository, token, download: true) is not { } repo)
        {
            return;
        }

        var (revision, path, asked) = SplitRevision(repo, rest);
        if (revision is null)
        {
            await ErrorAsync(context, 404, "RevisionNotFound", $"Invalid rev id: {asked}");
            return;
        }

        if (!revision.Files.TryGetValue(path, out var file))
        {
            await ErrorAsync(context, 404, "EntryNotFound", "Entry not found", revision.Commit);
            return;
        }

        var headers = context.Response.Headers;
        headers["X-Repo-Commit"] = revision.Commit;
        headers.ETag = $"\"{file.ETag}\"";
        headers.AcceptRanges = "bytes";
        if (file.IsLfs)
        {
            headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
            headers["X-Linked-Size"] = file.Content.Length.ToString(CultureInfo.InvariantCulture);
        }

        if (MatchesIfNoneMatch(context, file.ETag))
        {
            context.Response.StatusCode = 304;
            return;
        }

        var mode = ResolveMode;
        if (mode == FakeHubResolveMode.ByFileKind)
        {
            mode = file.IsLfs ? FakeHubResolveMode.CdnRedirect : FakeHubResolveMode.RelativeRedirect;
        }

        switch (mode)
        {
            case FakeHubResolveMode.RelativeRedirect:
                headers.Location = $"/api/resolve-cache/datasets/{repository}/{revision.Commit}/{EncodePath(path)}?etag=%22{file.ETag}%22";
                await TextAsync(context, 307, $"Temporary Redirect. Redirecting to {headers.Location}");
                return;
            case FakeHubResolveMode.CdnRedirect:
                headers["X-Linked-Size"] = file.Content.Length.ToString(CultureInfo.InvariantCulture);
                var signature = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
                headers.Location = $"{CdnEndpoint.AbsoluteUri}cdn/{CdnKey(repository, file)}/{Uri.EscapeDataString(path.Split('/')[^1])}?Expires={expires}&Key-Pair-Id=K3FAKE&Signature={signature}";
                await TextAsync(context, 302, $"Found. Redirecting to {headers.Location}");
                return;
            default:
                await ServeAsync(context, file, path);
                return;
        }
    }

    private async Task ResolveCacheAsync(HttpContext context, string repository, string commit, string path, string? token)
    {
        if (await AuthorizeAsync(context, repository, token, download: true) is not { } repo)
        {
            return;
        }

        FakeRevision? revision;
        lock (_lock)
        {
            revision = repo.Revisions.Values.FirstOrDefault(r => r.Commit == commit);
        }

        if (revision is null || !revision.Files.TryGetValue(path, out var file))
        {
            await ErrorAsync(context, 404, "EntryNotFound", "Entry not found", revision?.Commit);
            return;
        }

        var headers = context.Response.Headers;
        headers["X-Repo-Commit"] = revision.Commit;
        headers.ETag = $"\"{file.ETag}\"";
        headers.AcceptRanges = "bytes";
        await ServeAsync(context, file, path);
    }

    private async Task HandleCdnAsync(HttpContext context)
    {
        var (request, path, go) = await BeginAsync(context, FakeHubHost.Cdn);
        try
        {
            if (!go)
            {
                return;
            }

            var segments = path.Trim('/').Split('/');
            FakeFile? file = null;
            if (segments.Length >= 3 && segments[0] == "cdn")
            {
                lock (_lock)
                {
                    file = _cdnObjects.GetValueOrDefault($"{segments[1]}/{segments[2]}");
                }
            }

            if (file is null)
            {
                await TextAsync(context, 404, "<Error><Code>NoSuchKey</Code></Error>");
                return;
            }

            if (string.IsNullOrEmpty(context.Request.Query["Signature"].FirstOrDefault()))
            {
                await TextAsync(context, 403, "<Error><Code>AccessDenied</Code><Message>Missing signature</Message></Error>");
                return;
            }

            if (context.Request.Headers.Authorization.Count > 0)
            {
                // S3 and CloudFront refuse two authentication mechanisms at once: this is why clients drop the token.
                await TextAsync(context, 400, "<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>");
                return;
            }

#pragma warning disable CA5351 // An S3 object's etag is the MD5 of its content; that is the format, not a security choice.
            context.Response.Headers.ETag = $"\"{Convert.ToHexStringLower(MD5.HashData(file.Content))}\"";
#pragma warning restore CA5351
            context.Response.Headers.AcceptRanges = "bytes";
            await ServeAsync(context, file, path);
        }
        finally
        {
            request.StatusCode = context.Response.HasStarted || !context.RequestAborted.IsCancellationRequested ? context.Response.StatusCode : 0;
        }
    }

    private static bool MatchesIfNoneMatch(HttpContext context, string eTag)
    {
        foreach (var value in context.Request.Headers.IfNoneMatch)
        {
            foreach (var candidate in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var tag = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
                if (tag == "*" || tag.Trim('"') == eTag)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The content, whole or ranged, maybe gzipped, maybe cut off by a truncation fault.</summary>
    private async Task ServeAsync(HttpContext context, FakeFile file, string path)
    {
        var response = context.Response;
        var length = file.Content.LongLength;
        response.ContentType = file.ContentType;
        var range = ParseRange(context.Request.Headers.Range.FirstOrDefault(), length, out var unsatisfiable);
        if (IgnoreRange)
        {
            range = null;
            unsatisfiable = false;
        }

        if (unsatisfiable)
        {
            response.Headers.ContentRange = $"bytes */{length}";
            await ErrorAsync(context, 416, null, "Requested Range Not Satisfiable");
            return;
        }

        byte[] body;
        if (range is { } ranged)
        {
            var (from, to) = ranged;
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {from}-{to}/{length}";
            body = file.Content[(int)from..(int)(to + 1)];
            response.ContentLength = body.Length;
        }
        else if (Gzip && context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            response.StatusCode = 200;
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(file.Content);
            }

            body = compressed.ToArray();
            response.Headers.ContentEncoding = "gzip";
            response.Headers.Vary = "Accept-Encoding";

            // No Content-Length: Kestrel sends it chunked.
        }
        else
        {
            response.StatusCode = 200;
            body = file.Content;
            response.ContentLength = body.Length;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        if (TakeFault(FakeFaultKind.Truncate, path) is { } truncate && truncate.AfterBytes < body.Length)
        {
            await response.Body.WriteAsync(body.AsMemory(0, (int)truncate.AfterBytes));
            await response.Body.FlushAsync();

            // Let the bytes reach the client before the connection is cut.
            await Task.Delay(100);
            context.Abort();
            return;
        }

        await response.Body.WriteAsync(body);
    }
}
