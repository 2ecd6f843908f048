using Ingestion.Core;

namespace Ingestion.Sinks.WebSockets;

/// <summary>
/// The WebSocket sink: it gets every job event once, from the core dispatcher on its own queue, and offers it to each
/// open connection's own bounded queue. So the cost of a thousand watchers is paid here, never by the job body, and a
/// connection that does not read only fills its own queue.
/// </summary>
internal sealed class WebSocketHub : IProgressSink, IDisposable
{
    private static readonly TimeSpan WatchdogPeriod = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly ITimer _watchdog;
    private WebSocketConnection[] _connections = [];

    public WebSocketHub(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _watchdog = timeProvider.CreateTimer(static state => ((WebSocketHub)state!).CheckSendStalls(), this, WatchdogPeriod, WatchdogPeriod);
    }

    public int ConnectionCount => Volatile.Read(ref _connections).Length;

    /// <summary>The open connections, now.</summary>
    public IReadOnlyList<WebSocketConnection> Connections => Volatile.Read(ref _connections);

    public ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
    {
        foreach (var connection in Volatile.Read(ref _connections))
        {
            connection.Offer(jobEvent);
        }

        return default;
    }

    public void Dispose() => _watchdog.Dispose();

    private void CheckSendStalls()
    {
        var now = _timeProvider.GetTimestamp();
        foreach (var connection in Volatile.Read(ref _connections))
        {
            connection.CheckSendStall(now);
        }
    }

    public void Add(WebSocketConnection connection)
    {
        lock (_lock)
        {
            _connections = [.. _connections, connection];
        }
    }

    public void Remove(WebSocketConnection connection)
    {
        lock (_lock)
        {
            _connections = _connections.Where(c => !ReferenceEquals(c, connection)).ToArray();
        }
    }
}
