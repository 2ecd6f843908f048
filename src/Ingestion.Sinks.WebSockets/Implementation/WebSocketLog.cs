using Microsoft.Extensions.Logging;

namespace Ingestion.Sinks.WebSockets;

/// <summary>The progress WebSocket's log messages (category <c>Ingestion.Sinks.WebSockets</c>).</summary>
internal static partial class WebSocketLog
{
    [LoggerMessage(101, LogLevel.Debug, "Progress WebSocket opened (job {JobId}, since {Since}).")]
    public static partial void ConnectionOpened(ILogger logger, string jobId, long? since);

    [LoggerMessage(102, LogLevel.Debug, "Progress WebSocket closed (job {JobId}, close status {CloseStatus}, state {State}).")]
    public static partial void ConnectionClosed(ILogger logger, string jobId, int? closeStatus, string state);

    [LoggerMessage(103, LogLevel.Warning, "Dropped a progress WebSocket (job {JobId}) whose client stopped reading: a send waited more than {Timeout}.")]
    public static partial void SendStalled(ILogger logger, string jobId, TimeSpan timeout);

    [LoggerMessage(104, LogLevel.Debug, "Progress WebSocket (job {JobId}) lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string jobId, string reason);

    [LoggerMessage(105, LogLevel.Error, "Progress WebSocket (job {JobId}) failed.")]
    public static partial void ConnectionFailed(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(106, LogLevel.Warning, "The {Command} command for job {JobId}, sent over the progress WebSocket, failed.")]
    public static partial void CommandFailed(ILogger logger, string command, string jobId, Exception exception);
}
