using Ingestion.AspNetCore;
using Ingestion.Core;
using Ingestion.Sinks.SignalR;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the ingestion hub.</summary>
public static class IngestionHubEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the ingestion hub (docs/protocol.md, "SignalR"): <c>Subscribe(jobId, since)</c>, <c>Unsubscribe(jobId)</c>,
    /// <c>SubscribeAll()</c>, <c>Pause(jobId)</c>, <c>Resume(jobId)</c>, <c>Cancel(jobId)</c>, and the client methods of
    /// <see cref="IIngestionClient"/>. It requires the same authorization as the control endpoints.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="path">The path. Default: <c>/hubs/ingestion</c>.</param>
    /// <param name="configure">Optional transport settings.</param>
    /// <returns>The hub's endpoint, for further conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSignalRSink()</c> was not called, or no authorization was configured.</exception>
    public static HubEndpointConventionBuilder MapIngestionHub(this IEndpointRouteBuilder endpoints, string path = "/hubs/ingestion", Action<HttpConnectionDispatcherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(path);
        if (!endpoints.ServiceProvider.GetServices<IProgressSink>().Any(static s => s is SignalRSink))
        {
            throw new InvalidOperationException("The ingestion hub needs its sink: call services.AddIngestion().AddSignalRSink() first.");
        }

        endpoints.EnsureIngestionAuthorizationConfigured();
        return endpoints.MapHub<IngestionHub>("/" + path.Trim('/'), configure ?? (static _ => { })).RequireIngestionAuthorization();
    }
}
