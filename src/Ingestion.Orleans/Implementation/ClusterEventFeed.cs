using System.Threading.Channels;
using Ingestion.Core;

namespace Ingestion.Orleans;

/// <summary>
/// Every event this host sees (its own jobs', and the other silos' that <see cref="ClusterEventRelay"/> brings in) for
/// the watchers of <see cref="OrleansJobManager.WatchAsync"/> and <see cref="OrleansJobManager.WatchAllAsync"/>: a sink
/// of this host's dispatcher, so it has a queue of its own and never slows a job.
/// </summary>
internal sealed class ClusterEventFeed : IProgressSink
{
    private readonly Lock _lock = new();
    private (string? JobId, ChannelWriter<JobEvent> Writer)[] _watchers = [];

    public IDisposable Subscribe(string? jobId, ChannelWriter<JobEvent> writer)
    {
        lock (_lock)
        {
            _watchers = [.. _watchers, (jobId, writer)];
        }

        return new Subscription(this, writer);
    }

    public ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
    {
        foreach (var (jobId, writer) in Volatile.Read(ref _watchers))
        {
            if (jobId is null || jobId == jobEvent.JobId)
            {
                writer.TryWrite(jobEvent);
            }
        }

        return ValueTask.CompletedTask;
    }

    private void Unsubscribe(ChannelWriter<JobEvent> writer)
    {
        lock (_lock)
        {
            _watchers = _watchers.Where(w => w.Writer != writer).ToArray();
        }

        writer.TryComplete();
    }

    private sealed class Subscription(ClusterEventFeed feed, ChannelWriter<JobEvent> writer) : IDisposable
    {
        public void Dispose() => feed.Unsubscribe(writer);
    }
}
