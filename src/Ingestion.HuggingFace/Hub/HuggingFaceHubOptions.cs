namespace Ingestion.HuggingFace;

/// <summary>
/// Settings of <see cref="HuggingFaceHubClient"/>. Every one has a default; they are validated together when the
/// client is created, and every problem is reported in one message.
/// </summary>
public sealed class HuggingFaceHubOptions
{
    /// <summary>The environment variable read first when <see cref="Token"/> is <see langword="null"/>.</summary>
    internal const string TokenVariable = "HF_TOKEN";

    /// <summary>The environment variable read second when <see cref="Token"/> is <see langword="null"/>.</summary>
    internal const string LegacyTokenVariable = "HUGGING_FACE_HUB_TOKEN";

    /// <summary>
    /// Gets or sets the Hub's base address. Default: <c>https://huggingface.co</c>. An absolute http or https URL; it
    /// may carry a path (a mirror behind a reverse proxy), but no query. The token is only ever sent to this scheme,
    /// host and port.
    /// </summary>
    public Uri Endpoint { get; set; } = new("https://huggingface.co");

    /// <summary>
    /// Gets or sets the access token (<c>hf_…</c>) sent as <c>Authorization: Bearer</c> to <see cref="Endpoint"/>.
    /// Default: <see langword="null"/>, which means the <c>HF_TOKEN</c> environment variable, else
    /// <c>HUGGING_FACE_HUB_TOKEN</c>, else no token. An empty string means no token, whatever the environment says.
    /// The token is never logged, put in an exception message or handed back.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Gets or sets how many times a request is retried after a retryable failure (408, 429, 500, 502, 503, 504, a
    /// timeout, a connection error), and how many times in a row a broken download is resumed without receiving a
    /// byte. Default: 5 (six tries in all). Between 0 and 100.
    /// </summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>
    /// Gets or sets the wait before the first retry; it doubles with each retry up to <see cref="MaxRetryDelay"/>, and
    /// each wait is shortened by a random part of up to a quarter so that parallel clients spread out. A longer wait
    /// asked for by the Hub (<c>Retry-After</c>, or <c>RateLimit</c> on a 429) wins. Default: 1 second. Zero or more.
    /// </summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest wait between retries that the client chooses itself (the Hub may ask for longer).
    /// Default: 8 seconds. At least <see cref="InitialRetryDelay"/>.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Gets or sets how long one attempt may wait for the response headers (connecting included); past it the attempt
    /// counts as failed and is retried. Default: 30 seconds. Positive, or <see cref="Timeout.InfiniteTimeSpan"/>.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the longest silence while a response body is read; past it the read counts as broken (a download
    /// is resumed, an API call retried). Default: 30 seconds. Positive, or <see cref="Timeout.InfiniteTimeSpan"/>.
    /// </summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the folder of the download cache. Default: <see langword="null"/>, no cache: files are streamed
    /// from the network. When set, each file is downloaded once into <c>datasets--{owner}--{name}/blobs/{etag}</c>
    /// under it and opened from there; a file whose etag is already cached is opened without a request.
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Every problem with these settings, one sentence each; empty when they are valid.</summary>
    /// <returns>The problems.</returns>
    internal IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Endpoint is null)
        {
            errors.Add($"{nameof(Endpoint)} must be set.");
        }
        else if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttps && Endpoint.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{nameof(Endpoint)} must be an absolute http or https URL (was {Endpoint.OriginalString}).");
        }
        else if (!string.IsNullOrEmpty(Endpoint.Query) || !string.IsNullOrEmpty(Endpoint.Fragment) || !string.IsNullOrEmpty(Endpoint.UserInfo))
        {
            errors.Add($"{nameof(Endpoint)} must not carry a query, a fragment or user information.");
        }

        if (Token is { Length: > 0 } token && token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            // The token itself stays out of the message.
            errors.Add($"{nameof(Token)} must not contain spaces or control characters.");
        }

        if (MaxRetries is < 0 or > 100)
        {
            errors.Add($"{nameof(MaxRetries)} must be between 0 and 100 (was {MaxRetries}).");
        }

        if (InitialRetryDelay < TimeSpan.Zero)
        {
            errors.Add($"{nameof(InitialRetryDelay)} must not be negative (was {InitialRetryDelay}).");
        }

        if (MaxRetryDelay < InitialRetryDelay)
        {
            errors.Add($"{nameof(MaxRetryDelay)} must be at least {nameof(InitialRetryDelay)} (was {MaxRetryDelay}, below {InitialRetryDelay}).");
        }

        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{nameof(RequestTimeout)} must be positive or infinite (was {RequestTimeout}).");
        }

        if (ReadTimeout <= TimeSpan.Zero && ReadTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{nameof(ReadTimeout)} must be positive or infinite (was {ReadTimeout}).");
        }

        if (CacheDirectory is not null && string.IsNullOrWhiteSpace(CacheDirectory))
        {
            errors.Add($"{nameof(CacheDirectory)} must be null (no cache) or a folder path (was blank).");
        }

        return errors;
    }

    /// <summary>The token to send: <see cref="Token"/>, else the environment; <see langword="null"/> for none.</summary>
    /// <returns>The token, or <see langword="null"/>.</returns>
    internal string? ResolveToken()
    {
        var token = Token
            ?? NonEmpty(Environment.GetEnvironmentVariable(TokenVariable))
            ?? NonEmpty(Environment.GetEnvironmentVariable(LegacyTokenVariable));
        return string.IsNullOrEmpty(token) ? null : token;

        static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    internal HuggingFaceHubOptions Clone() => (HuggingFaceHubOptions)MemberwiseClone();
}
