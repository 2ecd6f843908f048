using System.Net;

namespace Ingestion.HuggingFace;

/// <summary>
/// A file's body, read from the network. When the connection breaks mid-body (reset, early close, a read silent for
/// longer than the read timeout) the stream asks again from the first URL with <c>Range: bytes={received}-</c> and
/// goes on where it stopped; a server that answers the range with the whole file has the bytes already delivered
/// skipped. After <see cref="HuggingFaceHubOptions.MaxRetries"/> breaks in a row without a new byte it gives up.
/// </summary>
internal sealed class HubDownloadStream : Stream
{
    private readonly HubTransport _transport;
    private readonly HubTarget _target;
    private readonly Uri _requestUri;
    private readonly string? _eTag;
    private readonly CancellationToken _openToken;
    private HubExchange? _exchange;
    private Stream? _body;
    private long? _length;
    private long _position;
    private long _skip;
    private int _breaksWithoutProgress;
    private bool _disposed;

    private HubDownloadStream(HubTransport transport, HubTarget target, HubExchange exchange, Stream body, CancellationToken openToken)
    {
        _transport = transport;
        _target = target;
        _requestUri = exchange.RequestUri;
        _eTag = exchange.ETag;
        _length = exchange.ContentLength;
        _exchange = exchange;
        _body = body;
        _openToken = openToken;
    }

    /// <summary>The content's length, when the answer said.</summary>
    public long? ContentLength => _length;

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>Takes over a 200 answer; <paramref name="openToken"/> (the open call's token) also cancels every later read.</summary>
    public static async Task<HubDownloadStream> StartAsync(HubTransport transport, HubTarget target, HubExchange exchange, CancellationToken openToken)
    {
        var body = await exchange.Response.Content.ReadAsStreamAsync(openToken).ConfigureAwait(false);
        return new HubDownloadStream(transport, target, exchange, body, openToken);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        _openToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (_body is null)
            {
                if (_length is { } length && _position >= length)
                {
                    return 0;
                }

                await ReconnectAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                var read = await _transport.ReadAsync(_body, buffer, cancellationToken, _openToken).ConfigureAwait(false);
                if (read == 0)
                {
                    if (_length is { } length && _position < length)
                    {
                        throw new IOException($"The response ended after {_position} of {length} bytes.");
                    }

                    return 0;
                }

                if (_skip > 0)
                {
                    // A 200 to a ranged request: drop what the caller already has.
                    if (read <= _skip)
                    {
                        _skip -= read;
                        continue;
                    }

                    var skipped = (int)_skip;
                    buffer[skipped..read].CopyTo(buffer);
                    read -= skipped;
                    _skip = 0;
                }

                _position += read;
                _breaksWithoutProgress = 0;
                return read;
            }
            catch (Exception ex) when (HubTransport.IsBrokenBody(ex, cancellationToken, _openToken))
            {
                CloseBody();
                _breaksWithoutProgress++;
                if (_breaksWithoutProgress > _transport.Options.MaxRetries)
                {
                    throw new HuggingFaceHubException(
                        $"Download of {HubPaths.Redact(_requestUri)} broke {_breaksWithoutProgress} times in a row at byte {_position} without progress; last: {_transport.Reason(ex)}",
                        null,
                        null,
                        null,
                        ex);
                }

                var delay = _transport.Backoff(_breaksWithoutProgress - 1);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _openToken);
                var wait = _transport.DelayAsync(delay, linked.Token);
                HubLog.Resuming(_transport.Logger, HubPaths.Redact(_requestUri), _position, _transport.Reason(ex), _breaksWithoutProgress, _transport.Options.MaxRetries, delay);
                await wait.ConfigureAwait(false);
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count)
        => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            CloseBody();
        }

        base.Dispose(disposing);
    }

    private void CloseBody()
    {
        _body?.Dispose();
        _body = null;
        _exchange?.Dispose();
        _exchange = null;
    }

    private async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _openToken);
        var exchange = await _transport.SendAsync(_requestUri, new HubRequest(RangeFrom: _position), linked.Token).ConfigureAwait(false);
        try
        {
            if (_eTag is not null && exchange.ETag is { } eTag && eTag != _eTag)
            {
                throw new HuggingFaceHubException(
                    $"Download of {HubPaths.Redact(_requestUri)}: the file changed while it was downloaded (etag {_eTag}, now {eTag}); open it again.");
            }

            switch (exchange.StatusCode)
            {
                case HttpStatusCode.PartialContent:
                    var range = exchange.Response.Content.Headers.ContentRange;
                    if (range?.From != _position)
                    {
                        throw new HuggingFaceHubException(
                            $"Download of {HubPaths.Redact(_requestUri)}: asked for the bytes from {_position}, got a range from {(range?.From is { } from ? from.ToString(System.Globalization.CultureInfo.InvariantCulture) : "nowhere")}.",
                            exchange.StatusCode,
                            null,
                            HubTransport.RequestId(exchange.Response));
                    }

                    _length ??= range.Length;
                    break;
                case HttpStatusCode.OK:
                    _skip = _position;
                    _length ??= exchange.ContentLength;
                    if (_skip > 0)
                    {
                        HubLog.RangeIgnored(_transport.Logger, HubPaths.Redact(exchange.FinalUri), _skip);
                    }

                    break;
                case HttpStatusCode.RequestedRangeNotSatisfiable when exchange.Response.Content.Headers.ContentRange?.Length == _position:
                    // The break came after the last byte of a body of unknown length: there is nothing left.
                    _length = _position;
                    exchange.Dispose();
                    return;
                default:
                    throw await _transport.CreateErrorAsync(exchange, _target, linked.Token).ConfigureAwait(false);
            }

            _body = await exchange.Response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            _exchange = exchange;
        }
        catch
        {
            exchange.Dispose();
            throw;
        }
    }
}
