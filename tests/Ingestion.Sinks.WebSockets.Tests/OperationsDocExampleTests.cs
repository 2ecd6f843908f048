using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ingestion.Sinks.WebSockets.Tests;

/// <summary>The authorization wiring of docs/operations.md, run for real: the policy guards the endpoints and the socket.</summary>
public class OperationsDocExampleTests
{
    [Fact]
    public async Task ThePolicyWiringInTheDocs_GuardsTheEndpointsAndTheSocket()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();

        // snippet: docs/operations.md begin
        builder.Services.AddAuthentication("ApiKey")
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>("ApiKey", null);   // or cookies, JWT bearer, …
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("ingestion-admin", policy => policy.RequireRole("admin"));
        builder.Services.AddIngestion()
            .AddJob<CountingJob, CountingParameters>("counting")
            .AddWebSocketSink(o => o.AllowedOrigins.Add("https://dashboard.example.com"))
            .ConfigureEndpoints(o => o.AuthorizationPolicy = "ingestion-admin");

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapIngestionEndpoints();    // /api/admin/start-ingestion, /api/admin/pause-ingestion/{jobId}, …
        app.MapIngestionWebSocket();    // /api/admin/ingestion-progress
        // snippet: docs/operations.md end

        await app.StartAsync();
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
            using var client = new HttpClient { BaseAddress = address };
            (await client.GetAsync("api/admin/ingestion-jobs")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiKeyAuthentication.AdminKey);
            (await client.GetAsync("api/admin/ingestion-jobs")).StatusCode.Should().Be(HttpStatusCode.OK);

            var socketUri = new Uri(address.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "api/admin/ingestion-progress?access_token=" + ApiKeyAuthentication.AdminKey);
            using var socket = new System.Net.WebSockets.ClientWebSocket();
            socket.Options.SetRequestHeader("Origin", "https://dashboard.example.com");
            await socket.ConnectAsync(socketUri, CancellationToken.None).OrTimeout();
            socket.State.Should().Be(System.Net.WebSockets.WebSocketState.Open);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
