using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Ingestion.AspNetCore;
using Ingestion.Core;
using Microsoft.Extensions.Logging;

namespace Ingestion.Sinks.WebSockets;

/// <summary>
/// One client of the progress WebSocket (docs/protocol.md). Two loops: the send loop is the only writer of the socket
/// (the snapshot and replay first, then live events from this connection's own bounded queue, and the answers to
/// commands); the receive loop is always reading, so pongs and close frames are seen even while a send waits.
/// </summary>
/// <remarks>
/// No gap and no duplicate: the connection is registered with the hub before the snapshot is taken, so every event
/// after the snapshot reaches its queue; the ones the snapshot (or replay) already covers are recognised by their
/// sequence numbers and skipped.
/// </remarks>
internal sealed class WebSocketConnection : IDisposable
{
    /// <summary>Answers a client may have waiting (unread) before it is closed with 1008.</summary>
    internal const int MaxPendingCommands = 64;

    private const int EventBatch = 64;
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);
    private static readonly ConditionalWeakTable<JobEvent, byte[]> Serialized = new();

    private readonly WebSocket _socket;
    private readonly IJobManager _manager;
    private readonly IngestionWebSocketOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string? _jobId;
    private readonly long? _since;
    private readonly EventQueue _events;
    private readonly Channel<object> _control = Channel.CreateUnbounded<object>();
    private readonly CancellationTokenSource _receiveEnded = new();
    private readonly TimeSpan _sendTimeout;
    private readonly long _sendTimeoutTicks;

    // When the send in flight started (TimeProvider timestamp), or 0; read by the hub's watchdog.
    private long _sendingSince;
    private int _stalled;

    // Send loop only: the last sequence number sent, per job.
    private readonly Dictionary<string, long> _lastSeq = new(StringComparer.Ordinal);
    private int _pendingCommands;

    public WebSocketConnection(WebSocket socket, IJobManager manager, IngestionWebSocketOptions options, string? jobId, long? since, TimeProvider timeProvider, ILogger logger)
    {
        _socket = socket;
        _manager = manager;
        _options = options;
        _jobId = jobId;
        _since = since;
        _timeProvider = timeProvider;
        _logger = logger;
        _events = new EventQueue(options.SendQueueCapacity, timeProvider);
        _sendTimeout = options.KeepAliveTimeout > TimeSpan.Zero ? options.KeepAliveTimeout : Timeout.InfiniteTimeSpan;
        _sendTimeoutTicks = _sendTimeout == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)(_sendTimeout.TotalSeconds * timeProvider.TimestampFrequency);
    }

    /// <summary>Log lines dropped because this client fell behind (each reported to it as a gap).</summary>
    public long Dropped => _events.Dropped;

    /// <summary>Progress events replaced by newer ones before this client read them.</summary>
    public long Coalesced => _events.Coalesced;

    /// <summary>Called by the hub for every event; never blocks.</summary>
    public void Offer(JobEvent jobEvent)
    {
        if (_jobId is null || string.Equals(_jobId, jobEvent.JobId, StringComparison.Ordinal))
        {
            _events.Enqueue(jobEvent);
        }
    }

    /// <summary>
    /// Called by the hub's watchdog: drops the connection if a send has waited longer than the keep-alive timeout,
    /// i.e. the client stopped reading and its TCP window is full.
    /// </summary>
    public void CheckSendStall(long now)
    {
        var since = Volatile.Read(ref _sendingSince);
        if (since != 0 && now - since > _sendTimeoutTicks && Interlocked.Exchange(ref _stalled, 1) == 0)
        {
            _socket.Abort();
        }
    }

    /// <summary>Accepts nothing from a client whose request was wrong: says why, then closes with <paramref name="closeCode"/>.</summary>
    public static async Task RejectAsync(WebSocket socket, TimeProvider timeProvider, string code, int closeCode, string message, string? jobId)
    {
        using var timeout = new CancellationTokenSource(CloseHandshakeTimeout, timeProvider);
        try
        {
            var error = new ErrorMessage("error", jobId, 0, timeProvider.GetUtcNow(), code, message, null, null);
            await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(error, IngestionWireJson.Options), WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
            await socket.CloseAsync((WebSocketCloseStatus)closeCode, Truncate(message), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            // The client is gone already; nothing more to tell it.
        }
    }

    /// <summary>Runs the connection until it is closed, by either side, or fails.</summary>
    public async Task RunAsync(WebSocketHub hub, CancellationToken stopping)
    {
        hub.Add(this);
        WebSocketLog.ConnectionOpened(_logger, _jobId ?? "*", _since);
        var receive = ReceiveLoopAsync();
        try
        {
            await SendLoopAsync(stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (Volatile.Read(ref _stalled) == 1 && IsConnectionFailure(ex))
        {
            WebSocketLog.SendStalled(_logger, _jobId ?? "*", _sendTimeout);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            WebSocketLog.ConnectionLost(_logger, _jobId ?? "*", ex.Message);
        }
        catch (Exception ex)
        {
            WebSocketLog.ConnectionFailed(_logger, _jobId ?? "*", ex);
            await TryCloseAsync(IngestionWebSocketCloseCodes.InternalError, "Internal error.").ConfigureAwait(false);
        }
        finally
        {
            hub.Remove(this);
            _events.Complete();
        }

        // Either side has said close (or the socket is gone): let the receive loop see the other side's close frame.
        try
        {
            await receive.WaitAsync(CloseHandshakeTimeout, _timeProvider, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _socket.Abort();
            await receive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception ex)
        {
            WebSocketLog.ConnectionFailed(_logger, _jobId ?? "*", ex);
            _socket.Abort();
        }

        WebSocketLog.ConnectionClosed(_logger, _jobId ?? "*", (int?)_socket.CloseStatus, _socket.State.ToString());
    }

    public void Dispose()
    {
        _receiveEnded.Dispose();
    }

    private async Task SendLoopAsync(CancellationToken stopping)
    {
        if (!await SendPreludeAsync().ConfigureAwait(false))
        {
            return;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stopping, _receiveEnded.Token);
        while (true)
        {
            var busy = false;
            while (_control.Reader.TryRead(out var message))
            {
                busy = true;
                if (message is CloseRequest close)
                {
                    await TryCloseAsync(close.Code, close.Reason).ConfigureAwait(false);
                    return;
                }

                Interlocked.Decrement(ref _pendingCommands);
                await SendAsync(JsonSerializer.SerializeToUtf8Bytes(Stamp(message), message.GetType(), IngestionWireJson.Options)).ConfigureAwait(false);
            }

            if (_receiveEnded.IsCancellationRequested)
            {
                // The client vanished without a close frame (or sent one, which the control queue has answered).
                return;
            }

            if (stopping.IsCancellationRequested)
            {
                await TryCloseAsync(IngestionWebSocketCloseCodes.GoingAway, "The server is stopping.").ConfigureAwait(false);
                return;
            }

            for (var i = 0; i < EventBatch && _events.TryDequeue(out var jobEvent); i++)
            {
                busy = true;
                if (await SendEventAsync(jobEvent).ConfigureAwait(false))
                {
                    await TryCloseAsync(IngestionWebSocketCloseCodes.Normal, "The job has ended.").ConfigureAwait(false);
                    return;
                }
            }

            if (!busy)
            {
                await WaitForWorkAsync(wake.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>The snapshot (and replay) a new connection starts with. False when the connection is to close after it.</summary>
    private async Task<bool> SendPreludeAsync()
    {
        if (_jobId is null)
        {
            foreach (var job in await _manager.ListLiveAsync().ConfigureAwait(false))
            {
                _lastSeq[job.Id] = job.LastSeq;
                await SendAsync(Serialize(new JobSnapshotEvent { JobId = job.Id, Seq = job.LastSeq, Timestamp = _timeProvider.GetUtcNow(), Job = job })).ConfigureAwait(false);
            }

            return true;
        }

        var replay = await _manager.ReplayAsync(_jobId, _since).ConfigureAwait(false);
        if (replay is null)
        {
            var message = $"No job has the id '{_jobId}'.";
            await SendAsync(JsonSerializer.SerializeToUtf8Bytes(new ErrorMessage("error", _jobId, 0, _timeProvider.GetUtcNow(), ErrorCodes.JobNotFound, message, null, null), IngestionWireJson.Options)).ConfigureAwait(false);
            await TryCloseAsync(IngestionWebSocketCloseCodes.JobNotFound, "Job not found.").ConfigureAwait(false);
            return false;
        }

        await SendReplayAsync(replay).ConfigureAwait(false);
        if (replay.Snapshot.Job.State.IsFinal())
        {
            await TryCloseAsync(IngestionWebSocketCloseCodes.Normal, "The job has ended.").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private async Task SendReplayAsync(JobReplay replay)
    {
        _lastSeq[replay.Snapshot.JobId] = replay.Snapshot.Seq;
        await SendAsync(Serialize(replay.Snapshot)).ConfigureAwait(false);
        foreach (var entry in replay.Events)
        {
            await SendAsync(Serialize(entry)).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a live event unless the snapshot or replay already covered it. True when the connection is to close after it.</summary>
    private async Task<bool> SendEventAsync(JobEvent jobEvent)
    {
        if (!_lastSeq.TryGetValue(jobEvent.JobId, out var last))
        {
            // A job this (all-jobs) connection has not seen: started after it connected, or resumed after it ended.
            // Its snapshot first, then its journal from the event that made it known.
            var from = jobEvent is JobGapEvent gap ? gap.FromSeq : jobEvent.Seq;
            var replay = await _manager.ReplayAsync(jobEvent.JobId, Math.Max(0, from - 1)).ConfigureAwait(false);
            if (replay is not null)
            {
                await SendReplayAsync(replay).ConfigureAwait(false);
                last = replay.Snapshot.Seq;
            }
        }

        var outgoing = jobEvent;
        if (jobEvent is JobGapEvent dropped)
        {
            if (dropped.ToSeq <= last)
            {
                return false;
            }

            if (dropped.FromSeq <= last)
            {
                // Partly covered already: say only what is really missing (how many of those is no longer known).
                outgoing = new JobGapEvent { JobId = dropped.JobId, Seq = dropped.Seq, Timestamp = dropped.Timestamp, FromSeq = last + 1, ToSeq = dropped.ToSeq, Dropped = null };
            }
        }
        else if (jobEvent.Seq <= last)
        {
            return false;
        }

        _lastSeq[jobEvent.JobId] = jobEvent.Seq;
        await SendAsync(Serialize(outgoing)).ConfigureAwait(false);
        if (jobEvent is not JobCompletedEvent completed)
        {
            return false;
        }

        if (_jobId is null)
        {
            // Forget it: if it is resumed, its next event brings a fresh snapshot.
            _lastSeq.Remove(jobEvent.JobId);
            return false;
        }

        // An interrupted run can be resumed (over this socket, too): keep watching it.
        return completed.Summary.State.IsFinal();
    }

    private Task WaitForWorkAsync(CancellationToken cancellationToken)
    {
        var events = _events.WaitToReadAsync(cancellationToken);
        var control = _control.Reader.WaitToReadAsync(cancellationToken);
        return events.IsCompleted || control.IsCompleted ? Task.CompletedTask : Task.WhenAny(events.AsTask(), control.AsTask());
    }

    private object Stamp(object message) => message switch
    {
        ResultMessage result => result with { Seq = LastSeq(result.JobId) },
        ErrorMessage error => error with { Seq = LastSeq(error.JobId) },
        PongMessage pong => pong with { Seq = LastSeq(pong.JobId) },
        _ => message,
    };

    private long LastSeq(string? jobId) => jobId is not null && _lastSeq.TryGetValue(jobId, out var seq) ? seq : 0;

    private async Task SendAsync(ReadOnlyMemory<byte> message)
    {
        // No timer per send: the hub's watchdog looks at this stamp once a second (CheckSendStall).
        Volatile.Write(ref _sendingSince, _timeProvider.GetTimestamp() | 1);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _sendingSince, 0);
        }
    }

    private async Task TryCloseAsync(int code, string reason)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CloseHandshakeTimeout, _timeProvider);
        try
        {
            await _socket.CloseOutputAsync((WebSocketCloseStatus)code, Truncate(reason), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            // Gone already.
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var max = _options.MaxMessageSize;
        var buffer = ArrayPool<byte>.Shared.Rent(max);
        var closing = false;
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    // Never cancelled: cancelling a receive aborts the socket. It ends with a close frame or a failure.
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count, max - count), CancellationToken.None).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        if (!closing)
                        {
                            _control.Writer.TryWrite(new CloseRequest(IngestionWebSocketCloseCodes.Normal, "Closed by the client."));
                        }

                        return;
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage && count < max);

                if (closing)
                {
                    continue;
                }

                if (!result.EndOfMessage)
                {
                    closing = true;
                    CloseWithError(ErrorCodes.MessageTooBig, IngestionWebSocketCloseCodes.MessageTooBig, $"A message may be at most {max} bytes.", "Message too big.");
                }
                else if (result.MessageType == WebSocketMessageType.Binary)
                {
                    closing = true;
                    CloseWithError(ErrorCodes.BinaryNotSupported, IngestionWebSocketCloseCodes.UnsupportedData, "The protocol is JSON text frames; binary frames are not accepted.", "Binary frames are not accepted.");
                }
                else
                {
                    await HandleCommandAsync(buffer.AsMemory(0, count)).ConfigureAwait(false);
                    if (Volatile.Read(ref _pendingCommands) > MaxPendingCommands)
                    {
                        closing = true;
                        _control.Writer.TryWrite(new CloseRequest(IngestionWebSocketCloseCodes.PolicyViolation, "Too many unanswered commands."));
                    }
                }
            }
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            // The connection is gone: the send loop stops on the cancellation below.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _control.Writer.TryComplete();
            await _receiveEnded.CancelAsync().ConfigureAwait(false);
        }
    }

    private void CloseWithError(string code, int closeCode, string message, string reason)
    {
        Post(new ErrorMessage("error", _jobId, 0, _timeProvider.GetUtcNow(), code, message, null, null));
        _control.Writer.TryWrite(new CloseRequest(closeCode, reason));
    }

    private async Task HandleCommandAsync(ReadOnlyMemory<byte> text)
    {
        string? type;
        string? jobId;
        string? requestId;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                PostError(ErrorCodes.InvalidCommand, "A command is a JSON object with a \"type\".", _jobId, null);
                return;
            }

            requestId = ReadString(root, "requestId");
            jobId = ReadString(root, "jobId");
            type = ReadString(root, "type");
        }
        catch (JsonException ex)
        {
            PostError(ErrorCodes.InvalidJson, $"The message is not valid JSON: {ex.Message}", _jobId, null);
            return;
        }
        catch (FormatException ex)
        {
            PostError(ErrorCodes.InvalidCommand, ex.Message, _jobId, null);
            return;
        }

        var target = jobId ?? _jobId;
        switch (type)
        {
            case null:
                PostError(ErrorCodes.InvalidCommand, "A command needs a \"type\": pause, resume, cancel or ping.", target, requestId);
                break;
            case "ping":
                Post(new PongMessage("pong", target, 0, _timeProvider.GetUtcNow(), requestId));
                break;
            case "pause" or "resume" or "cancel" when target is null:
                PostError(ErrorCodes.InvalidCommand, $"On an all-jobs connection, \"{type}\" needs a \"jobId\".", null, requestId);
                break;
            case "pause" or "resume" or "cancel":
                await RunCommandAsync(type, target!, requestId).ConfigureAwait(false);
                break;
            default:
                PostError(ErrorCodes.UnknownType, $"Unknown command type '{Truncate(type)}'; the commands are pause, resume, cancel and ping.", target, requestId);
                break;
        }
    }

    private async Task RunCommandAsync(string command, string jobId, string? requestId)
    {
        JobCommandResult result;
        try
        {
            result = command switch
            {
                "pause" => await _manager.PauseAsync(jobId).ConfigureAwait(false),
                "resume" => await _manager.ResumeAsync(jobId).ConfigureAwait(false),
                _ => await _manager.CancelAsync(jobId).ConfigureAwait(false),
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            WebSocketLog.CommandFailed(_logger, command, jobId, ex);
            PostError(ErrorCodes.CommandFailed, $"The {command} command failed: {ex.Message}", jobId, requestId);
            return;
        }

        switch (result.Status)
        {
            case JobCommandStatus.NotFound:
                PostError(ErrorCodes.JobNotFound, result.Message, jobId, requestId);
                break;
            case JobCommandStatus.InvalidTransition:
                Post(new ErrorMessage("error", jobId, 0, _timeProvider.GetUtcNow(), ErrorCodes.InvalidTransition, result.Message, result.State, requestId));
                break;
            default:
                Post(new ResultMessage("result", jobId, 0, _timeProvider.GetUtcNow(), command, result.Status, result.State, result.Message, requestId));
                break;
        }
    }

    private void PostError(string code, string message, string? jobId, string? requestId)
        => Post(new ErrorMessage("error", jobId, 0, _timeProvider.GetUtcNow(), code, message, null, requestId));

    private void Post(object message)
    {
        Interlocked.Increment(ref _pendingCommands);
        _control.Writer.TryWrite(message);
    }

    private static string? ReadString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number when name == "requestId" => value.GetRawText(),
            _ => throw new FormatException($"\"{name}\" must be a string."),
        };
    }

    private static byte[] Serialize(JobEvent jobEvent)
        => Serialized.GetValue(jobEvent, static e => JsonSerializer.SerializeToUtf8Bytes(e, IngestionWireJson.Options));

    /// <summary>A close reason may be at most 123 bytes; these are short and ASCII, but a client's text is not.</summary>
    private static string Truncate(string text) => text.Length <= 60 ? text : text[..60];

    private static bool IsConnectionFailure(Exception ex)
        => ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException;
}
