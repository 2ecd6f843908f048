using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingestion.TestUtilities;

/// <summary>
/// A real authentication scheme for transport tests: an API key in the <c>X-Api-Key</c> header (or, for browsers'
/// WebSockets, which cannot set headers, the <c>access_token</c> query value). The admin key gives the admin role, the
/// viewer key none; <see cref="Policy"/> requires the role.
/// </summary>
public static class ApiKeyAuthentication
{
    public const string AdminKey = "admin-key";
    public const string ViewerKey = "viewer-key";
    public const string Policy = "ingestion-admin";
    public const string SchemeName = "ApiKey";

    /// <summary>Adds the scheme and the <see cref="Policy"/> policy.</summary>
    public static IServiceCollection AddApiKeyAdminPolicy(this IServiceCollection services)
    {
        services.AddAuthentication(SchemeName).AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.RequireRole("admin"));
        return services;
    }
}

/// <summary>The <see cref="ApiKeyAuthentication"/> scheme's handler.</summary>
public sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers["X-Api-Key"].ToString();
        if (key.Length == 0)
        {
            key = Request.Query["access_token"].ToString();
        }

        if (key.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        Claim[] claims = key switch
        {
            ApiKeyAuthentication.AdminKey => [new(ClaimTypes.Name, "admin"), new(ClaimTypes.Role, "admin")],
            ApiKeyAuthentication.ViewerKey => [new(ClaimTypes.Name, "viewer")],
            _ => [],
        };
        return Task.FromResult(claims.Length == 0
            ? AuthenticateResult.Fail("Unknown API key.")
            : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name)));
    }
}
