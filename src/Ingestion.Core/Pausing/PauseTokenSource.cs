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
/// The state is one reference: <see langword="null"/> when running, or the gate of the current pause. <see cref="Resume"/>
/// swaps the gate out and opens it, waking every waiter that joined it exactly once; a waiter that races a resume
/// either sees no gate or finds it already open and does not wait. Nothing is lost between a pause and a resume,
/// however they interleave. A woken body runs on the thread pool, never inline on the thread that called
/// <see cref="Resume"/>.
/// </para>
/// <para>
/// The check reads only that reference. The job manager also parks a "stopped" marker there when it cancels a job, so
/// that the job's next check leaves the fast path and throws; a source of your own observes the cancellation token
/// only while it waits.
/// </para>
/// </remarks>
public sealed class PauseTokenSource
{
    private volatile PauseGate? _gate;
    private volatile bool _stopped;
    private readonly Action<PauseGate>? _onWaiting;
    private readonly CancellationToken _ownerToken;

    // One waiter is kept for reuse: a job body waits at one check at a time, so pausing and resuming it again and
    // again allocates only the gate of each pause.
    private PauseWaiter? _spareWaiter;
    private int _waitersCreated;

    /// <summary>Creates a source that is not paused.</summary>
    public PauseTokenSource()
    {
    }

    /// <summary>
    /// Creates a job's source. <paramref name="onWaiting"/> is called with the gate each time a body reaches a pause
    /// check while paused: the job manager acknowledges the pause then (Pausing becomes Paused), if that gate is still
    /// the current one. Every wait also observes <paramref name="ownerToken"/> (the job's token), whatever token the
    /// body passed, so cancelling the job wakes a paused body at once.
    /// </summary>
    internal PauseTokenSource(Action<PauseGate> onWaiting, CancellationToken ownerToken)
    {
        _onWaiting = onWaiting;
        _ownerToken = ownerToken;
    }

    /// <summary>Gets whether the source is paused.</summary>
    public bool IsPaused
    {
        get
        {
            var gate = _gate;
            return gate is not null && !ReferenceEquals(gate, PauseGate.Stopped);
        }
    }

    /// <summary>Gets a token that observes this source.</summary>
    public PauseToken Token => new(this);

    /// <summary>How many waiter objects the slow path has had to create (they are reused; tests check that).</summary>
    internal int WaitersCreated => Volatile.Read(ref _waitersCreated);

    /// <summary>The current gate, <see cref="PauseGate.Stopped"/> once stopped, or <see langword="null"/> when running. One volatile read.</summary>
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
        while (true)
        {
            var gate = _gate;
            if (gate is null || ReferenceEquals(gate, PauseGate.Stopped))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _gate, null, gate) != gate)
            {
                continue;
            }

            // Stop() may have run while paused (and found no empty slot for its marker): put the marker in now.
            // Stop writes its flag before its compare-and-swap and this reads it after ours, so one of the two sees
            // the other.
            if (_stopped)
            {
                Interlocked.CompareExchange(ref _gate, PauseGate.Stopped, null);
            }

            gate.Open();
            return true;
        }
    }

    /// <summary>
    /// Marks the source as stopped: from now on every check leaves the fast path and observes its cancellation token,
    /// so a cancelled job stops at its next check whether or not it is paused. Pausing a stopped source does nothing.
    /// </summary>
    internal void Stop()
    {
        _stopped = true;
        Interlocked.CompareExchange(ref _gate, PauseGate.Stopped, null);
    }

    /// <summary>The slow path of <see cref="PauseToken.WaitIfPausedAsync(CancellationToken)"/>: only taken while paused.</summary>
    internal ValueTask WaitWhilePausedAsync(PauseGate gate, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (_ownerToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(_ownerToken);
        }

        if (ReferenceEquals(gate, PauseGate.Stopped))
        {
            // Stopped but not paused, and no token is cancelled: nothing to wait for.
            return default;
        }

        _onWaiting?.Invoke(gate);
        var waiter = Interlocked.Exchange(ref _spareWaiter, null) ?? CreateWaiter();
        if (!gate.TryAdd(waiter, waiter.Arm(gate)))
        {
            // Opened between the caller's read and now: the pause is over, so there is nothing to wait for.
            ReturnWaiter(waiter);
            return default;
        }

        return waiter.WaitAsync(cancellationToken, _ownerToken);
    }

    internal void ReturnWaiter(PauseWaiter waiter) => Volatile.Write(ref _spareWaiter, waiter);

    private PauseWaiter CreateWaiter()
    {
        Interlocked.Increment(ref _waitersCreated);
        return new PauseWaiter(this);
    }
}
