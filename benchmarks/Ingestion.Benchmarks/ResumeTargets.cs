using Microsoft.VisualStudio.Threading;

namespace Ingestion.Benchmarks;

/// <summary>
/// One pause primitive as <see cref="ResumeLatencyBenchmarks"/> drives it: pause it, resume it, and the wait a job
/// body awaits at its pause check. Each wait hands back the primitive's own task unchanged (a <see cref="Task"/> is
/// wrapped in a <see cref="ValueTask"/>, which adds no continuation), so no adapter adds a hop to the wake-up.
/// </summary>
internal abstract class ResumeTarget
{
    /// <summary>Pauses (the body's next wait does not complete until <see cref="Resume"/>).</summary>
    public abstract void Pause();

    /// <summary>Resumes, waking a body that waits.</summary>
    public abstract void Resume();

    /// <summary>The body's pause check: completes at once when not paused, otherwise on <see cref="Resume"/>.</summary>
    /// <param name="cancellationToken">A cancellable token, for the primitives that take one.</param>
    /// <returns>The primitive's task.</returns>
    public abstract ValueTask WaitWhilePausedAsync(CancellationToken cancellationToken);

    /// <summary>Runs in the body right after the wake-up is recorded (the release half of a semaphore's wait/release).</summary>
    public virtual void AfterWake()
    {
    }
}

/// <summary>Ours: <see cref="Ingestion.Core.PauseTokenSource"/>, awaited with the <see cref="CancellationToken"/> overload.</summary>
internal sealed class OursTarget : ResumeTarget
{
    private readonly Ingestion.Core.PauseTokenSource _source = new();

    public override void Pause() => _source.Pause();

    public override void Resume() => _source.Resume();

    public override ValueTask WaitWhilePausedAsync(CancellationToken cancellationToken) =>
        _source.Token.WaitIfPausedAsync(cancellationToken);
}

/// <summary>Nito.AsyncEx: <see cref="Nito.AsyncEx.PauseTokenSource"/>.</summary>
internal sealed class NitoTarget : ResumeTarget
{
    private readonly Nito.AsyncEx.PauseTokenSource _source = new();

    public override void Pause() => _source.IsPaused = true;

    public override void Resume() => _source.IsPaused = false;

    public override ValueTask WaitWhilePausedAsync(CancellationToken cancellationToken) =>
        new(_source.Token.WaitWhilePausedAsync(cancellationToken));
}

/// <summary>Microsoft.VisualStudio.Threading: an <see cref="AsyncManualResetEvent"/>, set = not paused.</summary>
internal sealed class VsThreadingTarget : ResumeTarget
{
    private readonly AsyncManualResetEvent _event = new(initialState: true);

    public override void Pause() => _event.Reset();

    public override void Resume() => _event.Set();

    public override ValueTask WaitWhilePausedAsync(CancellationToken cancellationToken) =>
        new(_event.WaitAsync(cancellationToken));
}

/// <summary>
/// A <see cref="SemaphoreSlim"/> of one as a gate: pausing takes the count, resuming gives it back, and the body's
/// check is a wait/release pair.
/// </summary>
internal sealed class SemaphoreSlimTarget : ResumeTarget, IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public override void Pause() => _semaphore.Wait();

    public override void Resume() => _semaphore.Release();

    public override ValueTask WaitWhilePausedAsync(CancellationToken cancellationToken) =>
        new(_semaphore.WaitAsync(cancellationToken));

    public override void AfterWake() => _semaphore.Release();

    public void Dispose() => _semaphore.Dispose();
}

/// <summary>The Toub-style <see cref="ToubPauseTokenSource"/> (it takes no cancellation token).</summary>
internal sealed class ToubTarget : ResumeTarget
{
    private readonly ToubPauseTokenSource _source;

    /// <param name="runContinuationsAsynchronously">
    /// <see langword="false"/> as published (the body runs inline inside <see cref="Resume"/>);
    /// <see langword="true"/> to queue it to the thread pool as the other primitives do.
    /// </param>
    public ToubTarget(bool runContinuationsAsynchronously) => _source = new ToubPauseTokenSource(runContinuationsAsynchronously);

    public override void Pause() => _source.IsPaused = true;

    public override void Resume() => _source.IsPaused = false;

    public override ValueTask WaitWhilePausedAsync(CancellationToken cancellationToken) =>
        new(_source.Token.WaitWhilePausedAsync());
}
