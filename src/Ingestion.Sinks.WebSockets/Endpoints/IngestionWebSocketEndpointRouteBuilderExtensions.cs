using Ingestion.AspNetCore;
using Ingestion.Sinks.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the progress WebSocket.</summary>
public static class IngestionWebSocketEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the progress WebSocket (docs/protocol.md): <c>?jobId=…</c> watches one job, no <c>jobId</c> every job, and
    /// <c>&amp;since=&lt;seq&gt;</c> replays what a returning client missed. It requires the same authorization as the control
    /// endpoints (<see cref="IngestionEndpointOptions"/>) and refuses pages from other origins unless they are allowed.
    /// No <c>app.UseWebSockets()</c> is needed; the endpoint brings its own.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="path">The path. Default: <c>/api/admin/ingestion-progress</c>.</param>
    /// <returns>The endpoint, for further conventions.</returns>
    /// <exception cref="InvalidOperationException">
    /// <c>AddWebSocketSink()</c> was not called, or neither an authorization policy nor anonymous access was configured.
    /// </exception>
    public static IEndpointConventionBuilder MapIngestionWebSocket(this IEndpointRouteBuilder endpoints, string path = "/api/admin/ingestion-progress")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(path);
        if (endpoints.ServiceProvider.GetService<WebSocketHub>() is null)
        {
            throw new InvalidOperationException("The progress WebSocket needs its sink: call services.AddIngestion().AddWebSocketSink() first.");
        }

        endpoints.EnsureIngestionAuthorizationConfigured();
        var normalized = "/" + path.Trim('/');
        var endpointOptions = endpoints.ServiceProvider.GetRequiredService<IOptions<IngestionEndpointOptions>>().Value;
        endpointOptions.ProgressWebSocketPath ??= normalized;

        // The upgrade is handled by the WebSockets middleware; a branch of our own means the host need not add it.
        var branch = endpoints.CreateApplicationBuilder();
        branch.UseWebSockets();
        branch.Run(IngestionWebSocketEndpoint.HandleAsync);
        return endpoints.Map(normalized, branch.Build())
            .RequireIngestionAuthorization()
            .WithDisplayName("Ingestion progress WebSocket");
    }
}
