using System.Threading.Tasks.Sources;

namespace Ingestion.Benchmarks;

/// <summary>
/// A reusable, allocation-free one-waiter signal (harness only): the latency body awaits it between cycles, so the
/// harness itself allocates nothing per cycle and the allocations reported are the primitives' own.
/// </summary>
internal sealed class ArmSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>Completes after the next <see cref="Set"/> (at once if it already happened).</summary>
    public ValueTask WaitAsync() => new(this, _core.Version);

    /// <summary>Signals the waiter; once per <see cref="WaitAsync"/>.</summary>
    public void Set() => _core.SetResult(true);

    void IValueTaskSource.GetResult(short token)
    {
        _core.GetResult(token);
        _core.Reset();
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
