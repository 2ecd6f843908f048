using Microsoft.Extensions.Logging;

namespace Ingestion.Core;

/// <summary>Fans every job event out to each sink's own queue. Publishing never waits for a sink.</summary>
internal sealed class SinkDispatcher
{
    private readonly SinkWorker[] _workers;

    public SinkDispatcher(IEnumerable<IProgressSink> sinks, int capacity, ILogger logger, TimeProvider timeProvider, IngestionMetrics metrics)
    {
        _workers = sinks.Select(sink => new SinkWorker(sink, capacity, logger, timeProvider, metrics)).ToArray();
    }

    public void Publish(JobEvent jobEvent)
    {
        foreach (var worker in _workers)
        {
            worker.Enqueue(jobEvent);
        }
    }

    public IReadOnlyList<SinkStatistics> GetStatistics() => _workers.Select(static w => w.GetStatistics()).ToArray();

    public Task StopAsync(TimeSpan drainTime) => Task.WhenAll(_workers.Select(w => w.StopAsync(drainTime)));
}
