using Ingestion.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Applies the ingestion endpoints' authorization to any endpoint (the WebSocket and SignalR packages use it too).</summary>
public static class IngestionAuthorizationExtensions
{
    /// <summary>
    /// Requires <see cref="IngestionEndpointOptions.AuthorizationPolicy"/>, or allows anonymous access when
    /// <see cref="IngestionEndpointOptions.AllowAnonymous"/> is set, on the endpoint or group.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoint or group.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">When the endpoints are built, if the options ask for neither a policy nor anonymous access.</exception>
    public static TBuilder RequireIngestionAuthorization<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static endpoint =>
        {
            var options = Options(endpoint.ApplicationServices);
            endpoint.Metadata.Add(options.AllowAnonymous ? new AllowAnonymousAttribute() : new AuthorizeAttribute(options.AuthorizationPolicy!));
        });
        return builder;
    }

    /// <summary>Fails at start-up, with what to do, unless the options ask for a policy or for anonymous access.</summary>
    internal static void EnsureIngestionAuthorizationConfigured(this IEndpointRouteBuilder endpoints) => Options(endpoints.ServiceProvider);

    private static IngestionEndpointOptions Options(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<IngestionEndpointOptions>>().Value;
        var errors = options.Validate();
        return errors.Count == 0 ? options : throw new InvalidOperationException(string.Join(" ", errors));
    }
}
