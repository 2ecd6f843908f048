using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Ingestion.HuggingFace;

/// <summary>
/// Sends the client's requests: the token only to the Hub's own origin, retries with backoff, redirects followed by
/// hand, body reads bounded by the read timeout, and the Hub's errors turned into exceptions.
/// </summary>
internal sealed class HubTransport
{
    private const int MaxRedirects = 10;
    private const int MaxJsonBytes = 64 * 1024 * 1024;
    private const int MaxErrorBodyBytes = 64 * 1024;

    private static readonly ProductInfoHeaderValue UserAgent = new(
        "Ingestion.HuggingFace",
        typeof(HubTransport).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    private readonly HttpClient _http;
    private readonly string? _token;

    public HubTransport(HttpClient http, HuggingFaceHubOptions options, string? token, ILogger logger, TimeProvider timeProvider)
    {
        _http = http;
        _token = token;
        Options = options;
        Logger = logger;
        TimeProvider = timeProvider;
    }

    public HuggingFaceHubOptions Options { get; }

    public ILogger Logger { get; }

    public TimeProvider TimeProvider { get; }

    public bool HasToken => _token is not null;

    /// <summary>Whether <paramref name="uri"/> has the endpoint's scheme, host and port: the only place the token goes.</summary>
    public bool IsHubOrigin(Uri uri)
        => uri.IsAbsoluteUri && Uri.Compare(uri, Options.Endpoint, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>
    /// Sends a GET and follows its redirects, each hop retried on its own. Same-origin hops carry the token, others
    /// (a CDN's signed URL) do not. Returns the last response whatever its status.
    /// </summary>
    public async Task<HubExchange> SendAsync(Uri uri, HubRequest request, CancellationToken cancellationToken)
    {
        string? commit = null;
        string? eTag = null;
        long? size = null;
        var current = uri;
        for (var hop = 0; ; hop++)
        {
            var hub = IsHubOrigin(current);
            var response = await SendWithRetriesAsync(current, request, hub, cancellationToken).ConfigureAwait(false);
            if (hub)
            {
                HubExchange.Capture(response, ref commit, ref eTag, ref size);
            }

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                if (hop >= MaxRedirects)
                {
                    throw new HuggingFaceHubException($"GET {HubPaths.Redact(uri)} was redirected more than {MaxRedirects} times.");
                }

                var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                if (Logger.IsEnabled(LogLevel.Debug))
                {
                    var authorization = !HasToken ? "not sent" : IsHubOrigin(next) ? "kept (same host)" : "dropped (another host)";
                    HubLog.Redirected(Logger, HubPaths.Redact(current), (int)response.StatusCode, HubPaths.Redact(next), authorization);
                }

                current = next;
                continue;
            }

            var exchange = new HubExchange(response, uri, current, hub && HasToken);
            exchange.SetFileHeaders(commit, eTag, size);
            return exchange;
        }
    }

    /// <summary>GETs a JSON document and parses it; a body that breaks off is fetched again (it is an idempotent GET).</summary>
    public async Task<T> GetJsonAsync<T>(Uri uri, HubTarget target, Func<JsonElement, HubExchange, T> parse, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            using var exchange = await SendAsync(uri, new HubRequest(Json: true), cancellationToken).ConfigureAwait(false);
            if (exchange.StatusCode != HttpStatusCode.OK)
            {
                throw await CreateErrorAsync(exchange, target, cancellationToken).ConfigureAwait(false);
            }

            byte[] body;
            try
            {
                body = await ReadBodyAsync(exchange, MaxJsonBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsBrokenBody(ex, cancellationToken) && retry < Options.MaxRetries)
            {
                var delay = Backoff(retry);
                var wait = DelayAsync(delay, cancellationToken);
                HubLog.RetryingBody(Logger, HubPaths.Redact(exchange.FinalUri), Reason(ex), retry + 1, Options.MaxRetries, delay);
                await wait.ConfigureAwait(false);
                continue;
            }
            catch (Exception ex) when (IsBrokenBody(ex, cancellationToken))
            {
                throw new HuggingFaceHubException($"GET {HubPaths.Redact(exchange.FinalUri)}: the response body broke off {Options.MaxRetries + 1} times; last: {Reason(ex)}", null, null, RequestId(exchange.Response), ex);
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                return parse(document.RootElement, exchange);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                throw new HuggingFaceHubException($"GET {HubPaths.Redact(exchange.FinalUri)}: the Hub's answer is not the expected JSON ({ex.Message}).", exchange.StatusCode, null, RequestId(exchange.Response), ex);
            }
        }
    }

    /// <summary>One read of a response body, given up as broken after <see cref="HuggingFaceHubOptions.ReadTimeout"/> of silence.</summary>
    public async ValueTask<int> ReadAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken, CancellationToken openToken = default)
    {
        if (Options.ReadTimeout == Timeout.InfiniteTimeSpan && !openToken.CanBeCanceled)
        {
            return await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(Options.ReadTimeout, TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, openToken, timeout.Token);
        try
        {
            return await stream.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !openToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No data for {Options.ReadTimeout} while reading the response body.", ex);
        }
    }

    /// <summary>Whether a body read failed because the connection did (resumable), not because the caller cancelled.</summary>
    public static bool IsBrokenBody(Exception exception, CancellationToken cancellationToken, CancellationToken openToken = default)
        => !cancellationToken.IsCancellationRequested && !openToken.IsCancellationRequested
            && exception is IOException or HttpRequestException or TimeoutException or InvalidDataException;

    /// <summary>The exception for an answer that is not what was asked for.</summary>
    public async Task<HuggingFaceHubException> CreateErrorAsync(HubExchange exchange, HubTarget target, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = System.Text.Encoding.UTF8.GetString(await ReadBodyAsync(exchange, MaxErrorBodyBytes, cancellationToken, truncate: true).ConfigureAwait(false));
        }
        catch (Exception ex) when (IsBrokenBody(ex, cancellationToken))
        {
            body = string.Empty;
        }

        return HubErrors.Create(exchange, target, body, Scrub);
    }

    /// <summary>The wait before retry number <paramref name="retry"/> + 1: doubled each time, capped, shortened by up to a quarter at random.</summary>
    public TimeSpan Backoff(int retry)
    {
        var milliseconds = Math.Min(
            Options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)),
            Options.MaxRetryDelay.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter spreads out parallel clients; it guards nothing.
        milliseconds *= 1 - (0.25 * Random.Shared.NextDouble());
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(milliseconds);
    }

    /// <summary>
    /// Waits at least <paramref name="delay"/> on the time provider's clock. Timers may fire a little early (their
    /// resolution is coarser than the clock's), and a server's <c>Retry-After</c> is a minimum, so a short wait is
    /// topped up.
    /// </summary>
    public async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var started = TimeProvider.GetTimestamp();
        for (var remaining = delay; remaining > TimeSpan.Zero; remaining = delay - TimeProvider.GetElapsedTime(started))
        {
            await Task.Delay(remaining, TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The text with the token blanked out, for anything that came from outside (a server's message).</summary>
    public string Scrub(string text)
        => _token is null || text.Length == 0 ? text : text.Replace(_token, "[token]", StringComparison.Ordinal);

    /// <summary>An exception's message for a log line, the token blanked out.</summary>
    public string Reason(Exception exception)
        => Scrub(exception is HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http
            ? $"{http.HttpRequestError}: {http.Message}"
            : exception.Message);

    public static string? RequestId(HttpResponseMessage response)
        => HubExchange.Header(response, "X-Request-Id") ?? HubExchange.Header(response, "X-Amzn-Trace-Id") ?? HubExchange.Header(response, "X-Amz-Cf-Id");

    private static bool IsRedirect(HttpStatusCode status)
        => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool IsRetryable(HttpStatusCode status)
        => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
            or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>
    /// The wait the server asks for: on a 429 whose <c>RateLimit</c> says <c>r=0</c>, its <c>t</c> plus a second (the
    /// window resets after t); else an integer <c>Retry-After</c>. HTTP dates are ignored, as huggingface_hub does.
    /// </summary>
    private static TimeSpan? ServerDelay(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.NonValidated.TryGetValues("RateLimit", out var limits))
        {
            foreach (var limit in limits)
            {
                long? remaining = null;
                long? reset = null;
                foreach (var part in limit.Split(';', StringSplitOptions.TrimEntries))
                {
                    if (part.StartsWith("r=", StringComparison.Ordinal) && long.TryParse(part.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var r))
                    {
                        remaining = r;
                    }
                    else if (part.StartsWith("t=", StringComparison.Ordinal) && long.TryParse(part.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                    {
                        reset = t;
                    }
                }

                if (remaining == 0 && reset is { } seconds)
                {
                    return TimeSpan.FromSeconds(seconds + 1);
                }
            }
        }

        return HubExchange.Header(response, "Retry-After") is { } retryAfter
            && long.TryParse(retryAfter.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var delay)
                ? TimeSpan.FromSeconds(delay)
                : null;
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(Uri uri, HubRequest request, bool hub, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var message = CreateMessage(uri, request, hub);
            using var timeout = new CancellationTokenSource(Options.RequestTimeout, TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            Exception? failure = null;
            string reason;
            TimeSpan? serverDelay = null;
            try
            {
                var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                if (!IsRetryable(response.StatusCode) || retry >= Options.MaxRetries)
                {
                    // A retryable status with no retries left goes back too: its body holds the Hub's explanation.
                    return response;
                }

                serverDelay = ServerDelay(response);
                reason = $"{(int)response.StatusCode} {response.ReasonPhrase}";
                response.Dispose();
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Ours fired, or the HttpClient's own Timeout: either way no headers came in time.
                failure = new TimeoutException($"no response within {(timeout.IsCancellationRequested ? Options.RequestTimeout : _http.Timeout)}", ex);
                reason = failure.Message;
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError is not HttpRequestError.SecureConnectionError and not HttpRequestError.UserAuthenticationError)
            {
                failure = ex;
                reason = Reason(ex);
            }
            catch (IOException ex)
            {
                failure = ex;
                reason = Reason(ex);
            }

            if (failure is not null && retry >= Options.MaxRetries)
            {
                throw new HuggingFaceHubException($"GET {HubPaths.Redact(uri)} failed after {retry + 1} attempts: {Reason(failure)}", null, null, null, failure);
            }

            var delay = Backoff(retry);
            if (serverDelay > delay)
            {
                delay = serverDelay.Value;
            }

            // The wait starts before the line is logged: whoever reads the log finds the timer already set.
            var wait = DelayAsync(delay, cancellationToken);
            HubLog.Retrying(Logger, HubPaths.Redact(uri), reason, retry + 1, Options.MaxRetries, delay);
            await wait.ConfigureAwait(false);
        }
    }

    private HttpRequestMessage CreateMessage(Uri uri, HubRequest request, bool hub)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, uri);
        message.Headers.UserAgent.Add(UserAgent);
        if (request.Json)
        {
            message.Headers.Accept.Add(AcceptJson);
        }

        if (request.RangeFrom > 0)
        {
            message.Headers.Range = new RangeHeaderValue(request.RangeFrom, null);
        }

        if (hub)
        {
            if (_token is not null)
            {
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            }

            // Only the Hub's etags are the file's; a CDN's are its own.
            if (request.IfNoneMatch is { } eTag)
            {
                message.Headers.TryAddWithoutValidation("If-None-Match", $"\"{eTag}\"");
            }
        }

        return message;
    }

    private async Task<byte[]> ReadBodyAsync(HubExchange exchange, int maxBytes, CancellationToken cancellationToken, bool truncate = false)
    {
        var stream = await exchange.Response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (true)
            {
                var read = await ReadAsync(stream, chunk, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.ToArray();
                }

                if (buffer.Length + read > maxBytes)
                {
                    if (truncate)
                    {
                        buffer.Write(chunk, 0, (int)(maxBytes - buffer.Length));
                        return buffer.ToArray();
                    }

                    throw new HuggingFaceHubException($"GET {HubPaths.Redact(exchange.FinalUri)}: the answer is larger than {maxBytes} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }
        }
    }
}
