using Microsoft.Extensions.Logging;

namespace Ingestion.Core;

/// <summary>
/// Writes one job's snapshots to the store one at a time, newest state always last. Requests made while a write is
/// in flight coalesce into the next write, which takes a fresh snapshot; so writes never overtake each other and a
/// burst of state changes costs at most two writes.
/// </summary>
internal sealed class JobPersister
{
    private readonly Lock _lock = new();
    private readonly string _jobId;
    private readonly IJobStore _store;
    private readonly Func<JobSnapshot> _snapshot;
    private readonly ILogger _logger;
    private readonly IngestionMetrics _metrics;
    private TaskCompletionSource<Exception?>? _pending;
    private bool _writing;

    public JobPersister(string jobId, IJobStore store, Func<JobSnapshot> snapshot, ILogger logger, IngestionMetrics metrics)
    {
        _jobId = jobId;
        _store = store;
        _snapshot = snapshot;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>
    /// Asks for a write of the job as it is after this call. The task completes when such a write is done, with the
    /// exception it failed with (already logged), or <see langword="null"/>. It never faults.
    /// </summary>
    public Task<Exception?> RequestSave()
    {
        Task<Exception?> task;
        var start = false;
        lock (_lock)
        {
            _pending ??= new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _pending.Task;
            if (!_writing)
            {
                _writing = true;
                start = true;
            }
        }

        if (start)
        {
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(WriteLoopAsync);
            }
        }

        return task;
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            TaskCompletionSource<Exception?> batch;
            lock (_lock)
            {
                if (_pending is null)
                {
                    _writing = false;
                    return;
                }

                batch = _pending;
                _pending = null;
            }

            // Taken after the batch is closed, so it includes every change whose request joined this batch.
            var snapshot = _snapshot();
            try
            {
                await _store.SaveAsync(snapshot, CancellationToken.None).ConfigureAwait(false);
                batch.TrySetResult(null);
            }
#pragma warning disable CA1031 // A store failure is logged, counted and handed to whoever waits; it must not kill the job.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _metrics.StoreFailed();
                Log.StoreSaveFailed(_logger, _jobId, ex);
                batch.TrySetResult(ex);
            }
        }
    }
}
