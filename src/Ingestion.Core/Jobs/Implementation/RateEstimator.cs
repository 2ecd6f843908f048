namespace Ingestion.Core;

/// <summary>
/// Items per second as an exponentially weighted moving average over running time, with a 5-second time constant:
/// steady enough for an ETA, quick enough to follow a real change of pace. Not thread-safe (the job's lock guards it).
/// </summary>
internal sealed class RateEstimator(long processedAtStart, TimeSpan elapsedAtStart)
{
    private const double TimeConstantSeconds = 5.0;

    private long _lastProcessed = processedAtStart;
    private TimeSpan _lastElapsed = elapsedAtStart;
    private bool _seeded;

    public double ItemsPerSecond { get; private set; }

    public void Sample(long processed, TimeSpan elapsed)
    {
        var dt = (elapsed - _lastElapsed).TotalSeconds;
        if (dt <= 0)
        {
            return;
        }

        var instant = (processed - _lastProcessed) / dt;
        if (_seeded)
        {
            var alpha = 1 - Math.Exp(-dt / TimeConstantSeconds);
            ItemsPerSecond += alpha * (instant - ItemsPerSecond);
        }
        else
        {
            ItemsPerSecond = instant;
            _seeded = true;
        }

        _lastProcessed = processed;
        _lastElapsed = elapsed;
    }

    public static TimeSpan? EstimateRemaining(long? total, long processed, double itemsPerSecond)
    {
        if (total is not { } t || itemsPerSecond <= 0)
        {
            return null;
        }

        var seconds = Math.Max(0, t - processed) / itemsPerSecond;
        return seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
    }
}
