using System.Diagnostics;

namespace Ingestion.Benchmarks;

/// <summary>
/// Drives one <see cref="ResumeTarget"/> for the wake-up latency benchmark. A background body task loops: it waits to
/// be armed, sets a flag, awaits the (paused) primitive, and the first thing it does after that await is write
/// <see cref="Stopwatch.GetTimestamp"/> into a field, which is also the signal the measuring thread spins on.
/// </summary>
internal sealed class LatencyProbe : IDisposable
{
    private static readonly long TimeoutTicks = Stopwatch.Frequency * 10;
    private static readonly long YieldAfterTicks = Stopwatch.Frequency / 200_000; // 5 µs

    private readonly ResumeTarget _target;
    private readonly ArmSignal _arm = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Task _body;
    private readonly long[] _latencies = new long[1 << 14];
    private long _count;
    private int _parked;
    private long _wokeAt;
    private bool _stopping;
    private bool _paused;

    public LatencyProbe(ResumeTarget target)
    {
        _target = target;
        _body = Task.Run(() => BodyAsync(_cancellation.Token));
    }

    /// <summary>Pauses the primitive and returns once the body is suspended in its wait (then, if asked, holds 1 ms).</summary>
    /// <param name="idle">Whether to sleep 1 ms after the body suspended, so the thread pool goes idle.</param>
    public void PauseAndPark(bool idle)
    {
        if (_paused)
        {
            throw new InvalidOperationException("PauseAndPark called twice without ResumeAndWaitForWake in between.");
        }

        Volatile.Write(ref _wokeAt, 0);
        Volatile.Write(ref _parked, 0);
        _target.Pause();
        _paused = true;
        _arm.Set();

        var start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _parked) == 0)
        {
            ThrowIfTimedOut(start, "the body to reach its pause check");
            Thread.Yield();
        }

        // The body sets the flag right before its await; give it time to finish suspending (registering its
        // continuation and returning its thread to the pool).
        var spinUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 50_000); // 20 µs
        while (Stopwatch.GetTimestamp() < spinUntil)
        {
            Thread.SpinWait(10);
        }

        Thread.Yield();
        if (idle)
        {
            Thread.Sleep(1);
        }
    }

    /// <summary>Resumes the primitive and spins until the body has recorded its wake-up.</summary>
    /// <returns>The latency in <see cref="Stopwatch"/> ticks, from just before the resume to the body's timestamp.</returns>
    public long ResumeAndWaitForWake()
    {
        if (!_paused)
        {
            throw new InvalidOperationException("ResumeAndWaitForWake called without PauseAndPark first.");
        }

        var start = Stopwatch.GetTimestamp();
        _target.Resume();
        long wokeAt;
        while ((wokeAt = Volatile.Read(ref _wokeAt)) == 0)
        {
            // Spin, but after 5 µs also yield the CPU: on a 2-core machine the woken pool thread may be queued on
            // this very CPU, and a pure spin would keep it off until the scheduler preempts us (milliseconds),
            // which would measure our spinning rather than the wake-up.
            var now = Stopwatch.GetTimestamp();
            if (now - start > YieldAfterTicks)
            {
                ThrowIfTimedOut(start, "the body to wake up");
                Thread.Yield();
            }
        }

        _paused = false;
        var latency = wokeAt - start;
        _latencies[_count++ & (_latencies.Length - 1)] = latency;
        return latency;
    }

    /// <summary>Runs pause/resume cycles so that the code on both sides is jitted and tiered up before measuring.</summary>
    public void WarmUp()
    {
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 100; i++)
            {
                PauseAndPark(idle: false);
                ResumeAndWaitForWake();
            }

            Thread.Sleep(200); // let the tiered JIT's background compilation catch up
        }

        _count = 0;
    }

    /// <summary>
    /// The latencies recorded from the timestamps themselves, in µs: the <paramref name="count"/> cycles before the last
    /// <paramref name="skipLast"/> (BenchmarkDotNet's diagnosers run one extra cycle after the measured iterations).
    /// </summary>
    public string DescribeRecorded(int count, int skipLast)
    {
        var end = _count - skipLast;
        var n = (int)Math.Min(Math.Min(end, count), _latencies.Length);
        if (n <= 0)
        {
            return "no cycles recorded";
        }

        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = _latencies[(end - n + i) & (_latencies.Length - 1)] * 1_000_000.0 / Stopwatch.Frequency;
        }

        Array.Sort(values);
        double P(double p) => values[Math.Min(n - 1, Math.Max(0, (int)Math.Ceiling(p / 100 * n) - 1))];
        return $"cycles={_count} n={n} median={P(50):F2}us p95={P(95):F2}us p99={P(99):F2}us max={values[n - 1]:F2}us";
    }

    public void Dispose()
    {
        try
        {
            if (_paused)
            {
                // Should not happen (every IterationSetup is followed by its benchmark call), but never leave the
                // body suspended: wake it, then let it see the stop flag.
                _target.Resume();
                var start = Stopwatch.GetTimestamp();
                while (Volatile.Read(ref _wokeAt) == 0 && Stopwatch.GetTimestamp() - start < TimeoutTicks)
                {
                    Thread.Yield();
                }

                _paused = false;
            }

            Volatile.Write(ref _stopping, true);
            _arm.Set();
            if (!_body.Wait(TimeSpan.FromSeconds(5)))
            {
                _cancellation.Cancel();
                _body.Wait(TimeSpan.FromSeconds(5));
            }
        }
        catch (AggregateException)
        {
            // The body ended with the cancellation; nothing to clean up.
        }
        finally
        {
            _cancellation.Dispose();
            (_target as IDisposable)?.Dispose();
        }
    }

    private async Task BodyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _arm.WaitAsync().ConfigureAwait(false);
            if (Volatile.Read(ref _stopping))
            {
                return;
            }

            Volatile.Write(ref _parked, 1);
            await _target.WaitWhilePausedAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _wokeAt, Stopwatch.GetTimestamp());
            _target.AfterWake();
        }
    }

    private void ThrowIfTimedOut(long start, string what)
    {
        if (Stopwatch.GetTimestamp() - start <= TimeoutTicks)
        {
            return;
        }

        if (_body.IsFaulted)
        {
            throw new InvalidOperationException($"The latency body failed while waiting for {what}.", _body.Exception);
        }

        throw new TimeoutException($"Timed out after 10 s waiting for {what} ({_target.GetType().Name}).");
    }
}
