using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingestion.AspNetCore.Tests;

/// <summary>The endpoints behind a real policy: an API key scheme and an "ingestion-admin" policy, as docs/operations.md shows.</summary>
public class AuthorizationTests
{
    public const string AdminKey = "admin-key";
    public const string ViewerKey = "viewer-key";

    [Fact]
    public async Task WithoutCredentials_EveryEndpointAnswers401()
    {
        await using var host = await StartAsync();

        foreach (var response in new[]
        {
            await host.Client.StartAsync(new { items = 1 }),
            await host.Client.PostAsync("api/admin/pause-ingestion/x", null),
            await host.Client.GetAsync("api/admin/ingestion-jobs"),
            await host.Client.GetAsync("api/admin/ingestion-history"),
        })
        {
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task WithCredentialsThatLackTheRole_Answers403_AndWithTheRole_Works()
    {
        await using var host = await StartAsync();

        using var viewer = new HttpRequestMessage(HttpMethod.Get, "api/admin/ingestion-jobs") { Headers = { { "X-Api-Key", ViewerKey } } };
        (await host.Client.SendAsync(viewer)).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var admin = new HttpRequestMessage(HttpMethod.Post, "api/admin/start-ingestion") { Headers = { { "X-Api-Key", AdminKey } }, Content = JsonContent.Create(new { items = 1 }) };
        (await host.Client.SendAsync(admin)).StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    internal static Task<LoopbackHost> StartAsync() => EndpointsHost.StartAsync(
        ingestion =>
        {
            ingestion.ConfigureEndpoints(o => o.AuthorizationPolicy = "ingestion-admin");
            ingestion.Services.AddAuthentication(ApiKeyHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
            ingestion.Services.AddAuthorizationBuilder().AddPolicy("ingestion-admin", p => p.RequireRole("admin"));
        },
        app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
        });

    /// <summary>An API key in the X-Api-Key header: the admin key gives the admin role, the viewer key none.</summary>
    internal sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "ApiKey";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var key = Request.Headers["X-Api-Key"].ToString();
            if (key.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            Claim[] claims = key switch
            {
                AdminKey => [new(ClaimTypes.Name, "admin"), new(ClaimTypes.Role, "admin")],
                ViewerKey => [new(ClaimTypes.Name, "viewer")],
                _ => [],
            };
            return Task.FromResult(claims.Length == 0
                ? AuthenticateResult.Fail("Unknown API key.")
                : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
        }
    }
}
