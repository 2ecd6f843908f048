using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.AspNetCore.Tests;

/// <summary>The endpoints behind a real policy: an API key scheme and an "ingestion-admin" policy, as docs/operations.md shows.</summary>
public class AuthorizationTests
{
    private const string AdminKey = ApiKeyAuthentication.AdminKey;
    private const string ViewerKey = ApiKeyAuthentication.ViewerKey;

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
            ingestion.ConfigureEndpoints(o => o.AuthorizationPolicy = ApiKeyAuthentication.Policy);
            ingestion.Services.AddApiKeyAdminPolicy();
        },
        app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
        });
}
