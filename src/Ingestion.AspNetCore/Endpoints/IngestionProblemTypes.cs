namespace Ingestion.AspNetCore;

/// <summary>
/// The stable <c>type</c> URIs of the ProblemDetails the endpoints answer errors with. Each points at its explanation
/// in docs/protocol.md.
/// </summary>
public static class IngestionProblemTypes
{
    private const string Base = "https://github.com/ingestion-core/ingestion-core/blob/main/docs/protocol.md#";

    /// <summary>404: no job has the id.</summary>
    public const string JobNotFound = Base + "job-not-found";

    /// <summary>409: the command is not allowed in the job's state; the <c>state</c> extension says which it is in.</summary>
    public const string InvalidTransition = Base + "invalid-transition";

    /// <summary>400: the parameters did not bind or validate; <c>errors</c> lists every problem by parameter.</summary>
    public const string InvalidParameters = Base + "invalid-parameters";

    /// <summary>400: no job kind of that name is registered (or none was named and there is no default).</summary>
    public const string UnknownKind = Base + "unknown-kind";

    /// <summary>400: the body is not well-formed JSON.</summary>
    public const string InvalidJson = Base + "invalid-json";

    /// <summary>415: the body is not JSON (its content type is not <c>application/json</c>).</summary>
    public const string UnsupportedMediaType = Base + "unsupported-media-type";

    /// <summary>400: a query string value is missing, malformed or out of range.</summary>
    public const string InvalidQuery = Base + "invalid-query";

    /// <summary>503: the host is stopping and takes no new jobs.</summary>
    public const string ShuttingDown = Base + "shutting-down";

    /// <summary>400: a plain HTTP request reached the progress WebSocket endpoint, which only takes WebSocket requests.</summary>
    public const string WebSocketRequired = Base + "websocket-required";

    /// <summary>403: the progress WebSocket refused a browser page from an origin that is not allowed (cross-site WebSocket hijacking).</summary>
    public const string OriginNotAllowed = Base + "origin-not-allowed";
}
