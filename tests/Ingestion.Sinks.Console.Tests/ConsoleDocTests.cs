using Microsoft.Extensions.DependencyInjection;

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
}
