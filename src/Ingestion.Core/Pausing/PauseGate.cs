namespace Ingestion.Core;

/// <summary>One pause: the waiters that reached a check during it, woken together when it is opened by a resume.</summary>
internal sealed class PauseGate
{
    /// <summary>The marker of a stopped source: never opened, never waited on; it only sends checks to the slow path.</summary>
    public static readonly PauseGate Stopped = new();

    private readonly Lock _lock = new();
    private (PauseWaiter Waiter, long Ticket) _first;
    private List<(PauseWaiter Waiter, long Ticket)>? _more;
    private bool _opened;

    /// <summary>Adds a waiter's wait, unless the gate has been opened already.</summary>
    public bool TryAdd(PauseWaiter waiter, long ticket)
    {
        lock (_lock)
        {
            if (_opened)
            {
                return false;
            }

            if (_first.Waiter is null)
            {
                _first = (waiter, ticket);
            }
            else
            {
                (_more ??= []).Add((waiter, ticket));
            }

            return true;
        }
    }

    /// <summary>Takes out a wait that was cancelled, so a long pause does not keep every cancelled wait.</summary>
    public void Remove(PauseWaiter waiter, long ticket)
    {
        lock (_lock)
        {
            if (ReferenceEquals(_first.Waiter, waiter) && _first.Ticket == ticket)
            {
                _first = default;
            }
            else
            {
                _more?.Remove((waiter, ticket));
            }
        }
    }

    /// <summary>Opens the gate: every waiter that joined it is released (its body continues on the thread pool).</summary>
    public void Open()
    {
        (PauseWaiter Waiter, long Ticket) first;
        List<(PauseWaiter Waiter, long Ticket)>? more;
        lock (_lock)
        {
            _opened = true;
            first = _first;
            more = _more;
            _first = default;
            _more = null;
        }

        first.Waiter?.Release(first.Ticket);
        if (more is not null)
        {
            foreach (var (waiter, ticket) in more)
            {
                waiter.Release(ticket);
            }
        }
    }
}
