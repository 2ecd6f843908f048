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

    /// <summary>
    /// Fails at once, with what to do, unless <see cref="IngestionEndpointOptions"/> ask for a policy or for anonymous
    /// access. The <c>Map…</c> methods of the ingestion packages call it first, so that a host without authorization
    /// fails at start-up rather than at its first request; a package of endpoints of your own can do the same.
    /// </summary>
    /// <param name="endpoints">The application's endpoint route builder.</param>
    /// <exception cref="InvalidOperationException">The options ask for neither a policy nor anonymous access, or for both.</exception>
    public static void EnsureIngestionAuthorizationConfigured(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Options(endpoints.ServiceProvider);
    }

    private static IngestionEndpointOptions Options(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<IngestionEndpointOptions>>().Value;
        var errors = options.Validate();
        return errors.Count == 0 ? options : throw new InvalidOperationException(string.Join(" ", errors));
    }
}
