using Ingestion.Core;

namespace Ingestion.TestUtilities;

/// <summary>A sink that keeps every event it gets, and lets a test wait for the one it expects.</summary>
public sealed class CollectingSink : IProgressSink
{
    private readonly Lock _lock = new();
    private readonly List<JobEvent> _events = [];
    private readonly List<(Func<IReadOnlyList<JobEvent>, bool> Condition, TaskCompletionSource Signal)> _waiters = [];

    /// <summary>Every event so far, in delivery order.</summary>
    public IReadOnlyList<JobEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The events of one job, in delivery order.</summary>
    public IReadOnlyList<JobEvent> EventsOf(string jobId) => Events.Where(e => e.JobId == jobId).ToArray();

    public ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _events.Add(jobEvent);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(_events))
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return default;
    }

    /// <summary>Waits until the collected events satisfy <paramref name="condition"/>; fails the test after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<JobEvent>, bool> condition, TimeSpan? timeout = null)
    {
        Task wait;
        lock (_lock)
        {
            if (condition(_events))
            {
                return;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, signal));
            wait = signal.Task;
        }

        try
        {
            await wait.WaitAsync(timeout ?? Wait.Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The sink did not get the expected events in time. It has: {Describe(Events)}");
        }
    }

    /// <summary>Waits for the completion event of a job and returns it.</summary>
    public async Task<JobCompletedEvent> WaitForCompletionAsync(string jobId, TimeSpan? timeout = null)
    {
        await WaitForAsync(events => events.Any(e => e.JobId == jobId && e is JobCompletedEvent), timeout);
        return EventsOf(jobId).OfType<JobCompletedEvent>().Last();
    }

    /// <summary>Waits until a job has published a state change to <paramref name="state"/>.</summary>
    public Task WaitForStateAsync(string jobId, JobState state, TimeSpan? timeout = null)
        => WaitForAsync(events => events.Any(e => e.JobId == jobId && e is JobStateChangedEvent s && s.State == state), timeout);

    private static string Describe(IReadOnlyList<JobEvent> events)
        => string.Join(", ", events.TakeLast(30).Select(e => e switch
        {
            JobStateChangedEvent s => $"#{e.Seq} state {s.State}",
            JobLogEvent l => $"#{e.Seq} log '{l.Message}'",
            _ => $"#{e.Seq} {e.Kind}",
        }));
}
