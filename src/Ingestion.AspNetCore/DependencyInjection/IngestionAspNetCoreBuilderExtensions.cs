using Ingestion.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the HTTP-facing parts of Ingestion.Core.</summary>
public static class IngestionAspNetCoreBuilderExtensions
{
    /// <summary>
    /// Configures the control endpoints, the WebSocket endpoint and the SignalR hub: which authorization policy they
    /// require (or that they are anonymous), and which kind <c>start-ingestion</c> starts by default.
    /// </summary>
    /// <param name="builder">The ingestion builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder ConfigureEndpoints(this IIngestionBuilder builder, Action<IngestionEndpointOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
