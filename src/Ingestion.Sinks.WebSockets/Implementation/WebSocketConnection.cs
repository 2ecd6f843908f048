using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
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
/// after the snapshot reaches its queue; the ones the snapshot (or replay) already covered are recognised by their
/// sequence numbers and skipped.
/// </remarks>
internal sealed class WebSocketConnection : IDisposable
{
    /// <summary>Answers that may wait for the send loop; past them the receive loop reads the next command only when one has gone.</summary>
    internal const int MaxPendingAnswers = 64;

    private const int EventBatch = 64;
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How many ended jobs an all-jobs connection remembers (to introduce a resumed run with a fresh snapshot).</summary>
    private const int RememberedEndedJobs = 1024;

    /// <summary>How long answers to commands in flight may hold up a close the server starts.</summary>
    private static readonly TimeSpan AnswerGracePeriod = TimeSpan.FromSeconds(1);

    private static readonly ConditionalWeakTable<JobEvent, byte[]> Serialized = new();

    private readonly WebSocket _socket;
    private readonly IJobManager _manager;
    private readonly WebSocketSinkOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string? _jobId;
    private readonly long? _since;
    private readonly EventQueue _events;
    private readonly ConcurrentQueue<object> _control = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly SemaphoreSlim _answerSlots = new(MaxPendingAnswers, MaxPendingAnswers);
    private readonly CancellationTokenSource _receiveEnded = new();
    private readonly CancellationTokenSource _ended = new();
    private readonly TimeSpan _sendTimeout;
    private readonly long _sendTimeoutTicks;

    // Send loop only: the last sequence number sent, per job; on all-jobs connections, the last jobs whose run ended,
    // with their last seq (oldest first, at most RememberedEndedJobs).
    private readonly Dictionary<string, long> _lastSeq = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _endedJobs = new(StringComparer.Ordinal);
    private readonly Queue<string> _endedOrder = new();
    private Task? _receive;
    private int _stopping;

    // When the send in flight started (TimeProvider timestamp), or 0; read by the hub's watchdog.
    private long _sendingSince;
    private int _stalled;
    private int _commandsInFlight;

    public WebSocketConnection(WebSocket socket, IJobManager manager, WebSocketSinkOptions options, string? jobId, long? since, TimeProvider timeProvider, ILogger logger)
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
            Signal();
        }
    }

    /// <summary>
    /// Called by the hub's watchdog: drops the connection if a send has waited longer than the keep-alive timeout,
    /// i.e. the client stopped reading and its TCP window is full.
    /// </summary>
    public void CheckSendStall(long now)
    {
        var since = Volatile.Read(ref _sendingSince);
        var limit = Volatile.Read(ref _stopping) == 1 ? Math.Min(_sendTimeoutTicks, _timeProvider.TimestampFrequency) : _sendTimeoutTicks;
        if (since != 0 && now - since > limit && Interlocked.Exchange(ref _stalled, 1) == 0)
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
        using var onStopping = stopping.Register(static state => ((WebSocketConnection)state!).OnStopping(), this);
        var receive = _receive = ReceiveLoopAsync();
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
            await _ended.CancelAsync().ConfigureAwait(false);
        }

        // The client said close and the send loop ended before it could answer: answer now.
        if (_socket.State == WebSocketState.CloseReceived)
        {
            await TryCloseAsync(IngestionWebSocketCloseCodes.Normal, "Closed by the client.").ConfigureAwait(false);
        }

        // Either side has said close (or the socket is gone): let the receive loop see the other side's close frame.
        try
        {
            await receive.WaitAsync(CloseHandshakeTimeout, _timeProvider, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _socket.Abort();
            await receive.WaitAsync(CloseHandshakeTimeout, _timeProvider, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
        // A receive loop still inside a manager call that ignored its token uses these when it returns: leave them
        // to the GC then (none holds a timer).
        if (_receive is { IsCompleted: false })
        {
            return;
        }

        _receiveEnded.Dispose();
        _ended.Dispose();
        _signal.Dispose();
        _answerSlots.Dispose();
    }

    /// <summary>The host is stopping: the send loop closes with 1001; a send stuck for over a second is cut by the watchdog.</summary>
    private void OnStopping() => Volatile.Write(ref _stopping, 1);

    private async Task SendLoopAsync(CancellationToken stopping)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stopping, _receiveEnded.Token);
        try
        {
            await SendLoopCoreAsync(stopping, wake.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !_receiveEnded.IsCancellationRequested)
        {
            // Stopped in a manager call.
            await CloseAfterAnswersAsync(IngestionWebSocketCloseCodes.GoingAway, "The server is stopping.").ConfigureAwait(false);
        }
    }

    private async Task SendLoopCoreAsync(CancellationToken stopping, CancellationToken wake)
    {
        if (!await SendPreludeAsync(wake).ConfigureAwait(false))
        {
            return;
        }

        while (true)
        {
            var busy = !_control.IsEmpty;
            if (await SendAnswersAsync().ConfigureAwait(false))
            {
                return;
            }

            if (_receiveEnded.IsCancellationRequested)
            {
                // The client vanished without a close frame, or sent one (answered after the loop).
                return;
            }

            if (stopping.IsCancellationRequested)
            {
                await CloseAfterAnswersAsync(IngestionWebSocketCloseCodes.GoingAway, "The server is stopping.").ConfigureAwait(false);
                return;
            }

            for (var i = 0; i < EventBatch && _events.TryDequeue(out var jobEvent); i++)
            {
                busy = true;
                if (await SendEventAsync(jobEvent, wake).ConfigureAwait(false))
                {
                    await CloseAfterAnswersAsync(IngestionWebSocketCloseCodes.Normal, "The job has ended.").ConfigureAwait(false);
                    return;
                }
            }

            if (busy)
            {
                continue;
            }

            try
            {
                await _signal.WaitAsync(wake).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping, or the receive loop ended: the checks above say which.
            }
        }
    }

    /// <summary>Sends the answers waiting; true when a close the client asked for was sent instead.</summary>
    private async Task<bool> SendAnswersAsync()
    {
        while (_control.TryDequeue(out var message))
        {
            if (message is CloseRequest close)
            {
                await TryCloseAsync(close.Code, close.Reason).ConfigureAwait(false);
                return true;
            }

            await SendAnswerAsync(message).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Sends one answer, with the last seq of its job this client was sent, and frees its slot.</summary>
    private async Task SendAnswerAsync(object message)
    {
        await SendAsync(JsonSerializer.SerializeToUtf8Bytes(Stamp(message), message.GetType(), IngestionWireJson.Options)).ConfigureAwait(false);
        _answerSlots.Release();
    }

    /// <summary>A close the server starts: the answers to commands already received go first (briefly), then the close frame.</summary>
    private async Task CloseAfterAnswersAsync(int code, string reason)
    {
        var started = _timeProvider.GetTimestamp();
        while (true)
        {
            // Read before draining: a command that finishes after this read has queued its answer before the count
            // drops, so the next round sends it.
            var inFlight = Volatile.Read(ref _commandsInFlight);
            while (_control.TryDequeue(out var message))
            {
                if (message is not CloseRequest)
                {
                    await SendAnswerAsync(message).ConfigureAwait(false);
                }
            }

            if (inFlight == 0 || _timeProvider.GetElapsedTime(started) > AnswerGracePeriod || _receiveEnded.IsCancellationRequested)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), _timeProvider).ConfigureAwait(false);
        }

        await TryCloseAsync(code, reason).ConfigureAwait(false);
    }

    /// <summary>The snapshot (and replay) a new connection starts with. False when the connection is to close after it.</summary>
    private async Task<bool> SendPreludeAsync(CancellationToken cancellationToken)
    {
        if (_jobId is null)
        {
            foreach (var job in await _manager.ListLiveAsync(cancellationToken).ConfigureAwait(false))
            {
                _lastSeq[job.Id] = job.LastSeq;
                await SendAsync(Serialize(new JobSnapshotEvent { JobId = job.Id, Seq = job.LastSeq, Timestamp = _timeProvider.GetUtcNow(), Job = job })).ConfigureAwait(false);
            }

            return true;
        }

        var replay = await _manager.ReplayAsync(_jobId, _since, cancellationToken).ConfigureAwait(false);

        if (replay is null)
        {
            await PostAsync(new ErrorMessage("error", _jobId, 0, _timeProvider.GetUtcNow(), ErrorCodes.JobNotFound, $"No job has the id '{_jobId}'.", null, null)).ConfigureAwait(false);
            await CloseAfterAnswersAsync(IngestionWebSocketCloseCodes.JobNotFound, "Job not found.").ConfigureAwait(false);
            return false;
        }

        await SendReplayAsync(replay).ConfigureAwait(false);
        if (replay.Snapshot.Job.State.IsFinal() && (replay.FromStore || await HasCompletedAsync(replay, cancellationToken).ConfigureAwait(false)))
        {
            // Over, and nothing more will come. (A run in memory whose completion event is not out yet, because the
            // store is being written first, sends it soon: the live loop closes after it.)
            await CloseAfterAnswersAsync(IngestionWebSocketCloseCodes.Normal, "The job has ended.").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Whether the finished job's completion event is already out: in the replay, or (when the client's since was at
    /// or past it) as the journal's newest entry. If not, it is coming: the store is being written first.
    /// </summary>
    private async Task<bool> HasCompletedAsync(JobReplay replay, CancellationToken cancellationToken)
    {
        if (replay.Events.Count > 0)
        {
            return replay.Events[^1] is JobCompletedEvent;
        }

        var newest = await _manager.ReplayAsync(replay.Snapshot.JobId, Math.Max(0, replay.Snapshot.Seq - 1), cancellationToken).ConfigureAwait(false);
        return newest is null || newest.FromStore || (newest.Events.Count > 0 && newest.Events[^1] is JobCompletedEvent);
    }

    private async Task SendReplayAsync(JobReplay replay)
    {
        _lastSeq[replay.Snapshot.JobId] = replay.Snapshot.Seq;
        await SendAsync(Serialize(replay.Snapshot)).ConfigureAwait(false);
        foreach (var entry in replay.Events)
        {
            await SendAsync(Serialize(entry)).ConfigureAwait(false);
        }

        if (_jobId is null && (replay.FromStore || (replay.Events.Count > 0 && replay.Events[^1] is JobCompletedEvent)))
        {
            RememberEnded(replay.Snapshot.JobId, replay.Snapshot.Seq);
        }
    }

    /// <summary>Sends a live event unless the snapshot or replay already covered it. True when the connection is to close after it.</summary>
    private async Task<bool> SendEventAsync(JobEvent jobEvent, CancellationToken cancellationToken)
    {
        var jobId = jobEvent.JobId;
        var known = _lastSeq.TryGetValue(jobId, out var last);
        if (_jobId is null && !known)
        {
            // A job this all-jobs connection has not seen (started after it connected), or a run of one whose run
            // ended (a resume): its snapshot first, then its journal from where this connection is.
            var ended = _endedJobs.TryGetValue(jobId, out var endedSeq);
            if (ended && jobEvent.Seq <= endedSeq)
            {
                return false;
            }

            var from = ended ? endedSeq : Math.Max(0, (jobEvent is JobGapEvent gap ? gap.FromSeq : jobEvent.Seq) - 1);
            _endedJobs.Remove(jobId);
            var replay = await _manager.ReplayAsync(jobId, from, cancellationToken).ConfigureAwait(false);
            if (replay is null)
            {
                return false;
            }

            await SendReplayAsync(replay).ConfigureAwait(false);
            if (_endedJobs.ContainsKey(jobId))
            {
                _lastSeq.Remove(jobId);
                return false;
            }

            last = replay.Snapshot.Seq;
        }

        if (jobEvent is JobGapEvent dropped)
        {
            return await SendGapAsync(dropped, last, cancellationToken).ConfigureAwait(false);
        }

        if (jobEvent.Seq <= last)
        {
            return false;
        }

        _lastSeq[jobId] = jobEvent.Seq;
        await SendAsync(Serialize(jobEvent)).ConfigureAwait(false);
        return jobEvent is JobCompletedEvent completed && Ended(completed);
    }

    /// <summary>
    /// A run's completion was sent. True when the connection is to close: it watches this one job and the job is over
    /// for good (an interrupted run can be resumed, over this socket too, so its watcher stays).
    /// </summary>
    private bool Ended(JobCompletedEvent completed)
    {
        if (_jobId is not null)
        {
            return completed.Summary.State.IsFinal();
        }

        RememberEnded(completed.JobId, completed.Seq);
        return false;
    }

    /// <summary>All-jobs connections: forget the job's seq, but remember (boundedly) that its run ended and where.</summary>
    private void RememberEnded(string jobId, long seq)
    {
        _lastSeq.Remove(jobId);
        if (_endedJobs.TryAdd(jobId, seq))
        {
            _endedOrder.Enqueue(jobId);
            if (_endedOrder.Count > RememberedEndedJobs)
            {
                _endedJobs.Remove(_endedOrder.Dequeue());
            }
        }
        else
        {
            _endedJobs[jobId] = seq;
        }
    }

    /// <summary>
    /// This client fell behind and a queue dropped events (its own, or the hub's). Instead of the queue's gap it gets
    /// what the journal still has after the last event it was sent (state changes, log lines, the completion: what a
    /// slow client must not miss; the journal's own gap says what it no longer holds) and a fresh snapshot with the
    /// counters. Events queued behind the gap that this covers are skipped by their seq. True when the connection is to
    /// close (the watched job's end was among them).
    /// </summary>
    private async Task<bool> SendGapAsync(JobGapEvent gap, long last, CancellationToken cancellationToken)
    {
        if (gap.ToSeq <= last)
        {
            return false;
        }

        var replay = await _manager.ReplayAsync(gap.JobId, last, cancellationToken).ConfigureAwait(false);
        if (replay is null)
        {
            // The job is gone altogether: say what was lost, as it was lost.
            var outgoing = gap.FromSeq > last
                ? gap
                : new JobGapEvent { JobId = gap.JobId, Seq = gap.Seq, Timestamp = gap.Timestamp, FromSeq = last + 1, ToSeq = gap.ToSeq, Dropped = null };
            _lastSeq[gap.JobId] = gap.ToSeq;
            await SendAsync(Serialize(outgoing)).ConfigureAwait(false);
            return false;
        }

        foreach (var entry in replay.Events)
        {
            var seq = entry is JobGapEvent evicted ? evicted.ToSeq : entry.Seq;
            if (seq <= last)
            {
                continue;
            }

            last = seq;
            _lastSeq[gap.JobId] = last;
            await SendAsync(Serialize(entry)).ConfigureAwait(false);
            if (entry is JobCompletedEvent completed)
            {
                return Ended(completed);
            }
        }

        if (replay.Snapshot.Seq >= last)
        {
            _lastSeq[gap.JobId] = replay.Snapshot.Seq;
            await SendAsync(Serialize(replay.Snapshot)).ConfigureAwait(false);
        }

        if (replay.FromStore && replay.Snapshot.Job.State.IsFinal())
        {
            // Its completion is not coming from here any more.
            if (_jobId is not null)
            {
                return true;
            }

            RememberEnded(gap.JobId, replay.Snapshot.Seq);
        }

        return false;
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

    private void Signal()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another writer signalled at the same moment: one wake-up is enough.
            }
            catch (ObjectDisposedException)
            {
                // The connection is over.
            }
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
                            RequestClose(IngestionWebSocketCloseCodes.Normal, "Closed by the client.");
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
                    await CloseWithErrorAsync(ErrorCodes.MessageTooBig, IngestionWebSocketCloseCodes.MessageTooBig, $"A message may be at most {max} bytes.", "Message too big.").ConfigureAwait(false);
                }
                else if (result.MessageType == WebSocketMessageType.Binary)
                {
                    closing = true;
                    await CloseWithErrorAsync(ErrorCodes.BinaryNotSupported, IngestionWebSocketCloseCodes.UnsupportedData, "The protocol is JSON text frames; binary frames are not accepted.", "Binary frames are not accepted.").ConfigureAwait(false);
                }
                else
                {
                    await HandleCommandAsync(buffer.AsMemory(0, count)).ConfigureAwait(false);
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
            try
            {
                await _receiveEnded.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The connection was disposed while this loop was still in a command: nobody is waiting.
            }
        }
    }

    private void RequestClose(int code, string reason)
    {
        _control.Enqueue(new CloseRequest(code, reason));
        Signal();
    }

    private async Task CloseWithErrorAsync(string code, int closeCode, string message, string reason)
    {
        await PostAsync(new ErrorMessage("error", _jobId, 0, _timeProvider.GetUtcNow(), code, message, null, null)).ConfigureAwait(false);
        RequestClose(closeCode, reason);
    }

    private async Task HandleCommandAsync(ReadOnlyMemory<byte> text)
    {
        // Counted until its answer is queued, so that a close the server starts waits for it.
        Interlocked.Increment(ref _commandsInFlight);
        try
        {
            await HandleCommandCoreAsync(text).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _commandsInFlight);
        }
    }

    private async Task HandleCommandCoreAsync(ReadOnlyMemory<byte> text)
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
                await PostErrorAsync(ErrorCodes.InvalidCommand, "A command is a JSON object with a \"type\".", _jobId, null).ConfigureAwait(false);
                return;
            }

            requestId = ReadString(root, "requestId");
            jobId = ReadString(root, "jobId");
            type = ReadString(root, "type");
        }
        catch (JsonException ex)
        {
            await PostErrorAsync(ErrorCodes.InvalidJson, $"The message is not valid JSON: {ex.Message}", _jobId, null).ConfigureAwait(false);
            return;
        }
        catch (FormatException ex)
        {
            await PostErrorAsync(ErrorCodes.InvalidCommand, ex.Message, _jobId, null).ConfigureAwait(false);
            return;
        }

        var target = jobId ?? _jobId;
        switch (type)
        {
            case null:
                await PostErrorAsync(ErrorCodes.InvalidCommand, "A command needs a \"type\": pause, resume, cancel or ping.", target, requestId).ConfigureAwait(false);
                break;
            case "ping":
                await PostAsync(new PongMessage("pong", target, 0, _timeProvider.GetUtcNow(), requestId)).ConfigureAwait(false);
                break;
            case "pause" or "resume" or "cancel" when target is null:
                await PostErrorAsync(ErrorCodes.InvalidCommand, $"On an all-jobs connection, \"{type}\" needs a \"jobId\".", null, requestId).ConfigureAwait(false);
                break;
            case "pause" or "resume" or "cancel":
                await RunCommandAsync(type, target!, requestId).ConfigureAwait(false);
                break;
            default:
                await PostErrorAsync(ErrorCodes.UnknownType, $"Unknown command type '{Truncate(type)}'; the commands are pause, resume, cancel and ping.", target, requestId).ConfigureAwait(false);
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
                "pause" => await _manager.PauseAsync(jobId, _ended.Token).ConfigureAwait(false),
                "resume" => await _manager.ResumeAsync(jobId, _ended.Token).ConfigureAwait(false),
                _ => await _manager.CancelAsync(jobId, _ended.Token).ConfigureAwait(false),
            };
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            return; // the connection is over: nobody to answer
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            WebSocketLog.CommandFailed(_logger, command, jobId, ex);
            await PostErrorAsync(ErrorCodes.CommandFailed, $"The {command} command failed: {ex.Message}", jobId, requestId).ConfigureAwait(false);
            return;
        }

        await PostResultAsync(command, jobId, requestId, result).ConfigureAwait(false);
    }

    private async Task PostResultAsync(string command, string jobId, string? requestId, JobCommandResult result)
    {

        switch (result.Status)
        {
            case JobCommandStatus.NotFound:
                await PostErrorAsync(ErrorCodes.JobNotFound, result.Message, jobId, requestId).ConfigureAwait(false);
                break;
            case JobCommandStatus.InvalidTransition:
                await PostAsync(new ErrorMessage("error", jobId, 0, _timeProvider.GetUtcNow(), ErrorCodes.InvalidTransition, result.Message, result.State, requestId)).ConfigureAwait(false);
                break;
            default:
                await PostAsync(new ResultMessage("result", jobId, 0, _timeProvider.GetUtcNow(), command, result.Status, result.State, result.Message, requestId)).ConfigureAwait(false);
                break;
        }
    }

    private Task PostErrorAsync(string code, string message, string? jobId, string? requestId)
        => PostAsync(new ErrorMessage("error", jobId, 0, _timeProvider.GetUtcNow(), code, message, null, requestId));

    /// <summary>Hands an answer to the send loop; waits while <see cref="MaxPendingAnswers"/> are waiting already (backpressure).</summary>
    private async Task PostAsync(object message)
    {
        try
        {
            await _answerSlots.WaitAsync(_ended.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return; // the connection is over: nobody to answer
        }

        _control.Enqueue(message);
        Signal();
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
