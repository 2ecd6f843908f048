namespace Ingestion.Core;

/// <summary>
/// Owns a pause state and hands out <see cref="PauseToken"/>s that observe it, the way a
/// <see cref="CancellationTokenSource"/> hands out <see cref="CancellationToken"/>s.
/// </summary>
/// <remarks>
/// <para>
/// Unlike cancellation, pausing is reversible: <see cref="Pause"/> and <see cref="Resume"/> may be called any number of
/// times, from any threads, in any order. A body that awaits <see cref="PauseToken.WaitIfPausedAsync(CancellationToken)"/>
/// while paused waits without polling and continues when the source is resumed.
/// </para>
/// <para>
/// The state is one reference: <see langword="null"/> when running, or the gate that paused waiters are waiting on.
/// <see cref="Resume"/> swaps the gate out and opens it, so every waiter that saw that gate is woken exactly once,
/// and a waiter that races a resume either sees no gate or sees one that is already open. Nothing is ever lost
/// between a pause and a resume, however they interleave.
/// </para>
/// </remarks>
public sealed class PauseTokenSource
{
    private volatile PauseGate? _gate;
    private readonly Action? _onWaiting;

    /// <summary>Creates a source that is not paused.</summary>
    public PauseTokenSource()
    {
    }

    /// <summary>
    /// Creates a source that calls <paramref name="onWaiting"/> each time a body reaches a pause check while the
    /// source is paused. The job manager uses it to acknowledge a pause (Pausing becomes Paused).
    /// </summary>
    internal PauseTokenSource(Action onWaiting) => _onWaiting = onWaiting;

    /// <summary>Gets whether the source is paused.</summary>
    public bool IsPaused => _gate is not null;

    /// <summary>Gets a token that observes this source.</summary>
    public PauseToken Token => new(this);

    /// <summary>The current gate, or <see langword="null"/> when not paused. One volatile read.</summary>
    internal PauseGate? Gate => _gate;

    /// <summary>Pauses the source. Bodies stop at their next pause check.</summary>
    /// <returns><see langword="true"/> if this call paused the source; <see langword="false"/> if it was already paused.</returns>
    public bool Pause()
    {
        if (_gate is not null)
        {
            return false;
        }

        // Losing the race to another Pause() is fine: exactly one gate is installed, and the loser's is dropped
        // before anyone could have seen it.
        return Interlocked.CompareExchange(ref _gate, new PauseGate(), null) is null;
    }

    /// <summary>Resumes the source and wakes every body waiting at a pause check.</summary>
    /// <returns><see langword="true"/> if this call resumed the source; <see langword="false"/> if it was not paused.</returns>
    public bool Resume()
    {
        var gate = Interlocked.Exchange(ref _gate, null);
        if (gate is null)
        {
            return false;
        }

        gate.Open();
        return true;
    }

    /// <summary>The slow path of <see cref="PauseToken.WaitIfPausedAsync(CancellationToken)"/>: only taken while paused.</summary>
    internal async ValueTask WaitWhilePausedAsync(PauseGate gate, CancellationToken cancellationToken)
    {
        PauseGate? current = gate;
        do
        {
            _onWaiting?.Invoke();
            await current.WaitAsync(cancellationToken).ConfigureAwait(false);

            // Paused again between the resume and this continuation: wait on the new gate, so that a body never
            // runs an item while the source says it is paused.
            current = _gate;
        }
        while (current is not null);

        cancellationToken.ThrowIfCancellationRequested();
    }
}
