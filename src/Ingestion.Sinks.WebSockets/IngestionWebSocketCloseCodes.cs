namespace Ingestion.Sinks.WebSockets;

/// <summary>The close codes the progress WebSocket uses (docs/protocol.md). The 4xxx ones are the protocol's own.</summary>
public static class IngestionWebSocketCloseCodes
{
    /// <summary>1000: the watched job ended (after its <c>completed</c> message), or the client closed.</summary>
    public const int Normal = 1000;

    /// <summary>1001: the server is stopping. Reconnect with <c>since</c> when it is back.</summary>
    public const int GoingAway = 1001;

    /// <summary>1003: the client sent a binary frame; the protocol is JSON text frames.</summary>
    public const int UnsupportedData = 1003;

    /// <summary>1009: the client sent a message larger than <see cref="WebSocketSinkOptions.MaxMessageSize"/>.</summary>
    public const int MessageTooBig = 1009;

    /// <summary>1011: the server failed; the connection cannot go on.</summary>
    public const int InternalError = 1011;

    /// <summary>4400: the connection request is invalid (e.g. <c>since</c> is not a whole number of 0 or more).</summary>
    public const int InvalidRequest = 4400;

    /// <summary>4404: no job has the <c>jobId</c> asked for.</summary>
    public const int JobNotFound = 4404;
}
