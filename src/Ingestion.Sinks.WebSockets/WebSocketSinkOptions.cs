namespace Ingestion.Sinks.WebSockets;

/// <summary>Settings of the progress WebSocket. Set them with <c>.AddWebSocketSink(o => …)</c>.</summary>
public sealed class WebSocketSinkOptions
{
    /// <summary>Gets or sets how often the server pings an idle connection. Default: 15 seconds. Zero turns pings off.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how long the server waits for the answer to a ping before it drops the connection as dead.
    /// Default: 15 seconds. <see cref="Timeout.InfiniteTimeSpan"/> never drops one.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the largest command a client may send, in bytes; a larger one closes the connection (1009). Default: 4096.</summary>
    public int MaxMessageSize { get; set; } = 4096;

    /// <summary>
    /// Gets or sets how many log events may wait for one slow connection before newer ones are dropped (and reported to
    /// it as a gap). Progress coalesces and does not count. Default: 1000.
    /// </summary>
    public int SendQueueCapacity { get; set; } = 1000;

    /// <summary>
    /// Gets the origins (<c>scheme://host[:port]</c>) allowed to connect besides the server's own. Default: none, so a
    /// page from another site cannot open the socket (cross-site WebSocket hijacking). <c>"*"</c> allows every origin.
    /// Requests without an <c>Origin</c> header (non-browser clients) are allowed; authorization still applies.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    internal IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (KeepAliveInterval < TimeSpan.Zero)
        {
            errors.Add($"{nameof(KeepAliveInterval)} must not be negative (was {KeepAliveInterval}).");
        }

        if (KeepAliveTimeout < TimeSpan.Zero && KeepAliveTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{nameof(KeepAliveTimeout)} must not be negative (was {KeepAliveTimeout}).");
        }

        if (MaxMessageSize < 256)
        {
            errors.Add($"{nameof(MaxMessageSize)} must be at least 256 bytes (was {MaxMessageSize}).");
        }

        if (SendQueueCapacity < 1)
        {
            errors.Add($"{nameof(SendQueueCapacity)} must be at least 1 (was {SendQueueCapacity}).");
        }

        return errors;
    }
}
