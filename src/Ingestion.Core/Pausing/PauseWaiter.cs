using System.Threading.Tasks.Sources;

namespace Ingestion.Core;

/// <summary>
/// One body waiting at a pause check, as the source of the <see cref="ValueTask"/> it awaits. Released by the gate
/// (resume) or by its cancellation token, whichever comes first; the body's continuation is then queued to the thread
/// pool directly: one hop from <see cref="PauseTokenSource.Resume"/> to the body, with no task in between.
/// Reused by its source once the body has consumed the result.
/// </summary>
/// <remarks>
/// Each wait has a ticket. The gate releases a waiter by the ticket it joined with, so a gate that opens after its
/// waiter was cancelled and reused for a later wait cannot release that later wait.
/// </remarks>
internal sealed class PauseWaiter : IValueTaskSource
{
    private readonly PauseTokenSource _owner;
    private ManualResetValueTaskSourceCore<bool> _core;
    private CancellationTokenRegistration _registration;
    private CancellationTokenRegistration _ownerRegistration;
    private PauseGate? _gate;
    private long _lastTicket;

    // The ticket of the wait in progress, or 0 once it has been released or cancelled.
    private long _waiting;

    public PauseWaiter(PauseTokenSource owner)
    {
        _owner = owner;
        _core.RunContinuationsAsynchronously = true;
    }

    /// <summary>Starts a wait on a gate and returns its ticket. One wait at a time per waiter.</summary>
    public long Arm(PauseGate gate)
    {
        _gate = gate;
        var ticket = ++_lastTicket;
        Volatile.Write(ref _waiting, ticket);
        return ticket;
    }

    /// <summary>Waits until released, or until either token is cancelled.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken, CancellationToken ownerToken)
    {
        var version = _core.Version;

        // If a token is already cancelled its callback runs here and now, which is what we want.
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((PauseWaiter)state!).Cancel(token), this);
        }

        if (ownerToken.CanBeCanceled && ownerToken != cancellationToken)
        {
            _ownerRegistration = ownerToken.UnsafeRegister(static (state, token) => ((PauseWaiter)state!).Cancel(token), this);
        }

        return new ValueTask(this, version);
    }

    /// <summary>The gate opened: let the body of this wait go on.</summary>
    public void Release(long ticket)
    {
        if (Interlocked.CompareExchange(ref _waiting, 0, ticket) == ticket)
        {
            _core.SetResult(true);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    public void GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            // Dispose waits for a cancellation callback that is running right now, so a late callback can never
            // touch this waiter after it has been handed out again.
            _registration.Dispose();
            _registration = default;
            _ownerRegistration.Dispose();
            _ownerRegistration = default;
            _gate = null;
            _core.Reset();
            _owner.ReturnWaiter(this);
        }
    }

    private void Cancel(CancellationToken token)
    {
        var ticket = Volatile.Read(ref _waiting);
        if (ticket != 0 && Interlocked.CompareExchange(ref _waiting, 0, ticket) == ticket)
        {
            _gate?.Remove(this, ticket);
            _core.SetException(new OperationCanceledException(token));
        }
    }
}
