using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.AspNetCore.Tests;

/// <summary>The code of src/Ingestion.AspNetCore/README.md (the package's page on NuGet), compiled and run.</summary>
public sealed class PackageReadmeTests
{
    [Fact]
    public async Task TheReadmesWiring_MapsEveryControlEndpoint_BehindTheNamedPolicy()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // snippet: src/Ingestion.AspNetCore/README.md begin
        builder.Services.AddIngestion()
            .AddJob<MyJob, MyParameters>("my-job")
            .ConfigureEndpoints(o => o.AuthorizationPolicy = "ingestion-admin");
        // snippet: src/Ingestion.AspNetCore/README.md end
        await using var app = builder.Build();
        // snippet: src/Ingestion.AspNetCore/README.md begin
        app.MapIngestionEndpoints();            // prefix "/api/admin" by default
        // snippet: src/Ingestion.AspNetCore/README.md end

        ReadmeWiring.ShouldMapBehindPolicy(app, "ingestion-admin", "/api/admin/start-ingestion", "/api/admin/pause-ingestion/{jobId}", "/api/admin/ingestion-history");
    }
}
