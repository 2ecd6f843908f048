namespace Ingestion.Core;

/// <summary>Elapsed running time of a job: starts and stops with the body, so paused time is left out. Not thread-safe (the job's lock guards it).</summary>
internal sealed class RunClock(TimeProvider timeProvider, TimeSpan alreadyElapsed)
{
    private TimeSpan _accumulated = alreadyElapsed;
    private long? _since;

    public bool IsRunning => _since is not null;

    public void Start() => _since ??= timeProvider.GetTimestamp();

    public void Stop()
    {
        if (_since is { } since)
        {
            _accumulated += timeProvider.GetElapsedTime(since);
            _since = null;
        }
    }

    public TimeSpan Elapsed => _since is { } since ? _accumulated + timeProvider.GetElapsedTime(since) : _accumulated;
}
