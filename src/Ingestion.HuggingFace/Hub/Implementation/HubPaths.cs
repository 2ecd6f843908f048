namespace Ingestion.HuggingFace;

/// <summary>Checks and encodes repository ids, revisions and paths, and builds the Hub's URLs from them.</summary>
internal static class HubPaths
{
    /// <summary>Throws unless <paramref name="repository"/> is <c>owner/name</c> (or a bare legacy <c>name</c>).</summary>
    public static void ValidateRepository(string repository, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(repository, parameterName);
        var segments = repository.Split('/');
        if (segments.Length > 2 || !segments.All(IsRepositorySegment))
        {
            throw new ArgumentException($"'{repository}' is not a repository id: expected owner/name, of letters, digits, '-', '_' and '.'.", parameterName);
        }

        static bool IsRepositorySegment(string segment)
            => segment.Length > 0 && segment is not "." and not ".." && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }

    /// <summary>Throws unless <paramref name="revision"/> is a usable branch, tag or commit name.</summary>
    public static void ValidateRevision(string revision, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(revision, parameterName);
        if (revision is "." or ".." || revision.Any(char.IsControl))
        {
            throw new ArgumentException($"'{revision}' is not a revision (a branch, tag or commit).", parameterName);
        }
    }

    /// <summary>The path without leading and trailing <c>/</c>; throws on empty, <c>.</c> or <c>..</c> segments.</summary>
    public static string NormalizePath(string path, string parameterName, bool allowEmpty)
    {
        ArgumentNullException.ThrowIfNull(path, parameterName);
        var trimmed = path.Trim('/');
        if (trimmed.Length == 0)
        {
            return allowEmpty ? trimmed : throw new ArgumentException("The path is empty.", parameterName);
        }

        // Empty and dot segments would make a different URL than the caller meant, and could climb out of the cache.
        if (trimmed.Split('/').Any(segment => segment is "" or "." or ".." || segment.Any(char.IsControl)))
        {
            throw new ArgumentException($"'{path}' is not a file path in a repository: it has an empty, '.' or '..' segment, or a control character.", parameterName);
        }

        return trimmed;
    }

    /// <summary>The revision with every reserved character escaped, <c>/</c> included (<c>refs%2Fconvert%2Fparquet</c>).</summary>
    public static string EncodeRevision(string revision) => Uri.EscapeDataString(revision);

    /// <summary>Each segment of the path escaped; the <c>/</c> between segments kept.</summary>
    public static string EncodePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    /// <summary><c>{endpoint}/{relative}</c>, keeping the endpoint's own path.</summary>
    public static Uri Combine(Uri endpoint, string relative)
        => new(endpoint.AbsoluteUri.TrimEnd('/') + "/" + relative, UriKind.Absolute);

    public static Uri Tree(Uri endpoint, string repository, string revision, string path, bool recursive)
    {
        var relative = $"api/datasets/{repository}/tree/{EncodeRevision(revision)}";
        if (path.Length > 0)
        {
            relative += "/" + EncodePath(path);
        }

        return Combine(endpoint, relative + (recursive ? "?recursive=true" : string.Empty));
    }

    public static Uri Resolve(Uri endpoint, string repository, string revision, string path)
        => Combine(endpoint, $"datasets/{repository}/resolve/{EncodeRevision(revision)}/{EncodePath(path)}");

    public static Uri Revision(Uri endpoint, string repository, string revision)
        => Combine(endpoint, $"api/datasets/{repository}/revision/{EncodeRevision(revision)}");

    public static Uri Parquet(Uri endpoint, string repository)
        => Combine(endpoint, $"api/datasets/{repository}/parquet");

    /// <summary>The URL without its query (signed CDN URLs carry their credentials there) or user information, for logs and messages.</summary>
    public static string Redact(Uri uri)
        => uri.IsAbsoluteUri ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}" : uri.OriginalString.Split('?')[0];

    /// <summary>An etag without <c>W/</c> and quotes; <see langword="null"/> when nothing is left.</summary>
    public static string? NormalizeETag(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag))
        {
            return null;
        }

        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        value = value.Trim('"');
        return value.Length == 0 ? null : value;
    }
}
