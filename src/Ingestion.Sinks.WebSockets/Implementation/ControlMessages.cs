using Ingestion.Core;

namespace Ingestion.Sinks.WebSockets;

/// <summary>
/// The answer to a pause, resume or cancel command sent over the socket (docs/protocol.md#result). <see cref="Seq"/> is
/// the last sequence number of the job this connection has been sent, so a client can keep one "last seq" per job.
/// </summary>
internal sealed record ResultMessage(string Type, string JobId, long Seq, DateTimeOffset Timestamp, string Command, JobCommandStatus Status, JobState? State, string Message, string? RequestId);

/// <summary>A problem with what the client sent, or with the job it asked for (docs/protocol.md#error).</summary>
internal sealed record ErrorMessage(string Type, string? JobId, long Seq, DateTimeOffset Timestamp, string Code, string Message, JobState? State, string? RequestId);

/// <summary>The answer to a ping (docs/protocol.md#pong).</summary>
internal sealed record PongMessage(string Type, string? JobId, long Seq, DateTimeOffset Timestamp, string? RequestId);

/// <summary>Asks the send loop to say <see cref="Reason"/> with a close frame, after what it has already been given.</summary>
internal sealed record CloseRequest(int Code, string Reason);

/// <summary>The <c>code</c> values of <see cref="ErrorMessage"/>; each has an anchor in docs/protocol.md.</summary>
internal static class ErrorCodes
{
    public const string InvalidJson = "invalid-json";
    public const string UnknownType = "unknown-type";
    public const string InvalidCommand = "invalid-command";
    public const string JobNotFound = "job-not-found";
    public const string InvalidTransition = "invalid-transition";
    public const string InvalidRequest = "invalid-request";
    public const string MessageTooBig = "message-too-big";
    public const string BinaryNotSupported = "binary-not-supported";
    public const string CommandFailed = "command-failed";
}
