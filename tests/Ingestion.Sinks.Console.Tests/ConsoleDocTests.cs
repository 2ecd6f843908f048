using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ingestion.Sinks.Console.Tests;

/// <summary>The example of docs/console.md, compiled and run.</summary>
public sealed class ConsoleDocTests
{
    [Fact]
    public async Task TheDocExample_RegistersTheSink_AndItPrintsAJob()
    {
        var output = new StringWriter();
        var services = new ServiceCollection().AddLogging();
        services.Configure<ConsoleSinkOptions>(o => o.Output = output);

        // snippet: docs/console.md begin
        services.AddIngestion()
            .AddJob<CountingJob, CountingParameters>(CountingJob.Kind)
            .AddConsoleSink(o => o.PlainProgressInterval = TimeSpan.FromSeconds(5));
        // snippet: docs/console.md end

        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<IJobManager>();
        var job = await manager.StartAsync(CountingJob.Kind, new CountingParameters { Items = 3 });
        await manager.WaitForCompletionAsync(job.Id).OrTimeout();
        await provider.GetRequiredService<JobManager>().ShutdownAsync();
        await provider.GetRequiredService<IIngestionConsole>().StopAsync();

        output.ToString().Should().Contain("Running -> Completed").And.Contain("Completed: 3/3 processed");
    }

    [Fact]
    public async Task ThePackageReadmesExample_SelectsAJob_WithAFooter_AndStops()
    {
        var output = new StringWriter();
        var services = new ServiceCollection().AddLogging();
        services.Configure<ConsoleSinkOptions>(o => o.Output = output);

        // snippet: src/Ingestion.Sinks.Console/README.md begin
        services.AddIngestion()
            .AddConsoleSink(o => o.MinimumLogLevel = LogLevel.Warning);
        // snippet: src/Ingestion.Sinks.Console/README.md end
        services.AddIngestion().AddJob<CountingJob, CountingParameters>(CountingJob.Kind);
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<IJobManager>();
        var job = await manager.StartAsync(CountingJob.Kind, new CountingParameters { Items = 3 });
        // snippet: src/Ingestion.Sinks.Console/README.md begin
        var display = provider.GetRequiredService<IIngestionConsole>();
        display.Footer = "p pause · r resume · c cancel";
        display.SelectedJobId = job.Id;
        // snippet: src/Ingestion.Sinks.Console/README.md end
        await manager.WaitForCompletionAsync(job.Id).OrTimeout();
        await provider.GetRequiredService<JobManager>().ShutdownAsync();
        // snippet: src/Ingestion.Sinks.Console/README.md begin
        await display.StopAsync();   // after the manager stopped: prints what is left, leaves the last table
        // snippet: src/Ingestion.Sinks.Console/README.md end

        display.SelectedJobId.Should().Be(job.Id);
        output.ToString().Should().Contain("Completed: 3/3 processed");
    }
}
