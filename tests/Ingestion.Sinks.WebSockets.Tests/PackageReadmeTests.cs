using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingestion.Sinks.WebSockets.Tests;

/// <summary>The code of src/Ingestion.Sinks.WebSockets/README.md (the package's page on NuGet), compiled and run.</summary>
public sealed class PackageReadmeTests
{
    [Fact]
    public async Task TheReadmesWiring_MapsTheProgressSocket_WithItsOrigin_BehindTheSamePolicyAsTheEndpoints()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // snippet: src/Ingestion.Sinks.WebSockets/README.md begin
        builder.Services.AddIngestion()
            .AddJob<MyJob, MyParameters>("my-job")
            .AddWebSocketSink(o => o.AllowedOrigins.Add("https://dashboard.example.com"))
            .ConfigureEndpoints(o => o.AuthorizationPolicy = "ingestion-admin");
        // snippet: src/Ingestion.Sinks.WebSockets/README.md end
        await using var app = builder.Build();
        // snippet: src/Ingestion.Sinks.WebSockets/README.md begin
        app.MapIngestionEndpoints();
        app.MapIngestionWebSocket();            // "/api/admin/ingestion-progress" by default
        // snippet: src/Ingestion.Sinks.WebSockets/README.md end

        ReadmeWiring.ShouldMapBehindPolicy(app, "ingestion-admin", "/api/admin/ingestion-progress", "/api/admin/start-ingestion");
        app.Services.GetRequiredService<IOptions<WebSocketSinkOptions>>().Value.AllowedOrigins.Should().Equal("https://dashboard.example.com");
    }
}
