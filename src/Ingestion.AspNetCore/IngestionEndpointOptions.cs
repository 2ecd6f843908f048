namespace Ingestion.AspNetCore;

/// <summary>
/// Settings shared by every HTTP-facing part of Ingestion.Core: the control endpoints, the WebSocket endpoint and the
/// SignalR hub. Set them with <c>services.AddIngestion().ConfigureEndpoints(o => …)</c>.
/// </summary>
public sealed class IngestionEndpointOptions
{
    /// <summary>
    /// Gets or sets the authorization policy every endpoint requires. Default: none, in which case mapping fails unless
    /// <see cref="AllowAnonymous"/> is set: the endpoints control jobs, so anonymous access must be asked for.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>Gets or sets whether the endpoints are open to anonymous callers. Default: <see langword="false"/>.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// Gets or sets the kind <c>start-ingestion</c> starts when the request does not name one (<c>?kind=</c>). Default:
    /// none; then the one registered kind, if there is exactly one.
    /// </summary>
    public string? DefaultKind { get; set; }

    /// <summary>
    /// Gets or sets the path of the progress WebSocket, for the <c>progress</c> link in <c>start-ingestion</c>'s answer.
    /// <c>MapIngestionWebSocket</c> sets it. Default: none (no such link).
    /// </summary>
    public string? ProgressWebSocketPath { get; set; }

    /// <summary>Every problem with these settings; empty when they are valid.</summary>
    internal IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(AuthorizationPolicy) && !AllowAnonymous)
        {
            errors.Add($"Set {nameof(IngestionEndpointOptions)}.{nameof(AuthorizationPolicy)} to the policy that may control jobs, or {nameof(AllowAnonymous)} = true to expose the endpoints without authorization (services.AddIngestion().ConfigureEndpoints(o => ...)).");
        }

        if (!string.IsNullOrWhiteSpace(AuthorizationPolicy) && AllowAnonymous)
        {
            errors.Add($"{nameof(IngestionEndpointOptions)}.{nameof(AuthorizationPolicy)} and {nameof(AllowAnonymous)} are both set; choose one.");
        }

        return errors;
    }
}
