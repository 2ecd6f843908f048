using Ingestion.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ingestion.Orleans.Tests;

/// <summary>The wiring of docs/operations.md, "Several hosts", as a host builds it.</summary>
public sealed class OperationsDocTests
{
    [Fact]
    public void TheDocsWiring_MakesTheJobManagerTheClusters_WithASupervisor()
    {
        var builder = Host.CreateApplicationBuilder();
        var redis = "127.0.0.1:6379";
        var connectionString = "Host=127.0.0.1;Username=postgres;Database=ingestion";

        // snippet: docs/operations.md src/Ingestion.Orleans/README.md begin
        builder.UseOrleans(silo => silo.UseRedisClustering(redis));         // Orleans' own: membership in Redis
        builder.Services.AddIngestion()
            .AddHuggingFaceIngestion()
            .UsePostgreSqlStore(connectionString)                           // the store every host shares
            .AddWebSocketSink()
            .AddSignalRSink()
            .UseOrleansCluster(o => o.EventsRedis = redis);                // IJobManager becomes the cluster's
        // snippet: docs/operations.md src/Ingestion.Orleans/README.md end

        var manager = builder.Services.Single(d => d.ServiceType == typeof(IJobManager));
        manager.ImplementationType.Should().Be<OrleansJobManager>();
        builder.Services.Should().Contain(d => d.ImplementationType == typeof(JobSupervisor), "a supervisor takes over the jobs of a silo that died");
        using var services = builder.Services.BuildServiceProvider();
        services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OrleansIngestionOptions>>().Value.EventsRedis.Should().Be(redis);
    }

    [Fact]
    public void WithoutTheEventsRedis_TheHostRefusesToStart_SayingWhat()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddIngestion().UseOrleansCluster(_ => { });
        using var services = builder.Services.BuildServiceProvider();

        var read = () => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OrleansIngestionOptions>>().Value;

        read.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*EventsRedis must be set*");
    }
}
