using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Sinks.SignalR.Tests;

/// <summary>The code of src/Ingestion.Sinks.SignalR/README.md (the package's page on NuGet), compiled and run.</summary>
public sealed class PackageReadmeTests
{
    [Fact]
    public async Task TheReadmesWiring_MapsTheHub_BehindTheSamePolicyAsTheEndpoints()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // snippet: src/Ingestion.Sinks.SignalR/README.md begin
        builder.Services.AddIngestion()
            .AddJob<MyJob, MyParameters>("my-job")
            .AddSignalRSink()
            .ConfigureEndpoints(o => o.AuthorizationPolicy = "ingestion-admin");
        // snippet: src/Ingestion.Sinks.SignalR/README.md end
        await using var app = builder.Build();
        // snippet: src/Ingestion.Sinks.SignalR/README.md begin
        app.MapIngestionEndpoints();
        app.MapIngestionHub();                  // "/hubs/ingestion" by default
        // snippet: src/Ingestion.Sinks.SignalR/README.md end

        ReadmeWiring.ShouldMapBehindPolicy(app, "ingestion-admin", "/hubs/ingestion", "/hubs/ingestion/negotiate", "/api/admin/start-ingestion");
    }
}
