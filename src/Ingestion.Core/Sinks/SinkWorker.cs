using Microsoft.Extensions.Logging;

namespace Ingestion.Core;

/// <summary>One sink's queue and the loop that feeds it.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The stopping source is disposed by StopAsync, the worker's end of life.")]
internal sealed class SinkWorker
{
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromSeconds(10);

    private readonly IProgressSink _sink;
    private readonly EventQueue _queue;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly IngestionMetrics _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _delivered;
    private long _failed;
    private long _lastFailureLogged = long.MinValue;

    public SinkWorker(IProgressSink sink, int capacity, ILogger logger, TimeProvider timeProvider, IngestionMetrics metrics)
    {
        _sink = sink;
        Name = sink.GetType().Name;
        _logger = logger;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _queue = new EventQueue(capacity, timeProvider, dropped => metrics.SinkDropped(Name, dropped));

        // The loop must not inherit the caller's execution context (a request's, say) for the life of the host.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    public string Name { get; }

    public void Enqueue(JobEvent jobEvent) => _queue.Enqueue(jobEvent);

    public SinkStatistics GetStatistics() => new()
    {
        Name = Name,
        Delivered = Interlocked.Read(ref _delivered),
        Failed = Interlocked.Read(ref _failed),
        Dropped = _queue.Dropped,
        Coalesced = _queue.Coalesced,
        Queued = _queue.Count,
    };

    /// <summary>Stops taking events and delivers what is queued, for at most <paramref name="drainTime"/>.</summary>
    public async Task StopAsync(TimeSpan drainTime)
    {
        _queue.Complete();
        try
        {
            await _loop.WaitAsync(drainTime, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.SinkDrainTimedOut(_logger, Name, _queue.Count);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (await _queue.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (_queue.TryDequeue(out var jobEvent))
                {
                    await DeliverAsync(jobEvent, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped after the drain time: what is left is reported by StopAsync.
        }
    }

    private async ValueTask DeliverAsync(JobEvent jobEvent, CancellationToken token)
    {
        try
        {
            await _sink.EmitAsync(jobEvent, token).ConfigureAwait(false);
            Interlocked.Increment(ref _delivered);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A sink's failure must never reach the job or the other sinks: it is logged and counted.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var failures = Interlocked.Increment(ref _failed);
            _metrics.SinkFailed(Name);
            var now = _timeProvider.GetTimestamp();
            if (_lastFailureLogged == long.MinValue || _timeProvider.GetElapsedTime(_lastFailureLogged, now) >= FailureLogInterval)
            {
                _lastFailureLogged = now;
                Log.SinkFailed(_logger, Name, jobEvent.Kind, jobEvent.JobId, failures, ex);
            }
        }
    }
}
