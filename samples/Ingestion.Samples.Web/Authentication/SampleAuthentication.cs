using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Ingestion.Samples.Web.Authentication;

/// <summary>
/// The sample's authorization: the <see cref="Policy"/> policy (the admin role) on the control endpoints, the WebSocket
/// and the hub. A caller is an admin by the API key in a header, or by the session cookie that <c>POST /api/session</c>
/// (body <c>{ "apiKey": "…" }</c>) sets for a browser; <c>DELETE /api/session</c> ends it.
/// </summary>
internal static class SampleAuthentication
{
    public const string Policy = "ingestion-admin";
    public const string Scheme = "ApiKeyOrCookie";
    public const string ApiKeyScheme = "ApiKey";
    public const string CookieName = "ingestion-session";

    public static IServiceCollection AddSampleAuthentication(this IServiceCollection services, string apiKey)
    {
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or session cookie", o => o.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.HasKey(context.Request) ? ApiKeyScheme : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, o => o.ApiKey = apiKey)
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                // Strict: no other site's page can make the browser send it (no CSRF on the control endpoints, no
                // cross-site WebSocket or hub connection).
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                // An API answers 401/403, it does not redirect to a login page.
                o.Events.OnRedirectToLogin = context => SetStatus(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => SetStatus(context, StatusCodes.Status403Forbidden);
            });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.RequireAuthenticatedUser().RequireRole("admin"));
        return services;
    }

    public static ClaimsPrincipal Admin(string authenticationType) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, "admin")], authenticationType));

    public static void MapSessionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/session", async (SessionRequest request, HttpContext context, IOptionsMonitor<ApiKeyAuthenticationOptions> options) =>
        {
            if (!options.Get(ApiKeyScheme).Matches(request.ApiKey))
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The API key is not the admin key.",
                    type: "https://github.com/ingestion-core/ingestion-core/blob/main/docs/operations.md#the-web-sample");
            }

            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Admin(CookieAuthenticationDefaults.AuthenticationScheme));
            return Results.NoContent();
        }).AllowAnonymous();
        endpoints.MapDelete("/api/session", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.NoContent();
        }).AllowAnonymous();
    }

    private static Task SetStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>The body of <c>POST /api/session</c>.</summary>
    internal sealed record SessionRequest(string? ApiKey);
}
