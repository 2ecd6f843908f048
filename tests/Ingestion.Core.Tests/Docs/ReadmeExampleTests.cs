using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ingestion.Core.Tests.Docs;

/// <summary>The "use it in your host" example of README.md, compiled and run; <see cref="DocSnippetTests"/> keeps the README word for word.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public async Task TheExample_Runs()
    {
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            await Example([]).OrTimeout();
        }
        finally
        {
            Console.SetOut(console);
        }

        output.ToString().Should().Contain("Snapshot").And.Contain("Completed");
    }

#pragma warning disable IDE0011 // The README's layout, kept as written.
    private static async Task Example(string[] args)
    {
        // snippet: README.md begin
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddIngestion(o => o.MaxConcurrentJobs = 4)
            .AddJob<ImportJob, ImportParameters>("import");   // startable by name, resumable after a restart
        using var host = builder.Build();
        await host.StartAsync();

        var jobs = host.Services.GetRequiredService<IJobManager>();
        var job = await jobs.StartAsync("import", new ImportParameters { Files = 100 });
        await jobs.PauseAsync(job.Id);                       // Pausing, then Paused at the body's next check
        await jobs.ResumeAsync(job.Id);
        await foreach (var e in jobs.WatchAsync(job.Id))     // snapshot, journal, then live events
            Console.WriteLine($"#{e.Seq} {e.Kind}");
        await host.StopAsync();                              // live jobs stop at their next check: Interrupted
        // snippet: README.md end
    }
#pragma warning restore IDE0011
}

// snippet: README.md begin
sealed class ImportJob : IJob
{
    public Task ExecuteAsync(JobContext context, CancellationToken cancellationToken) =>
        context.ForEachAsync(Enumerable.Range(0, context.GetParameters<ImportParameters>().Files), async (file, ct) =>
        {
            await Task.Delay(5, ct);                         // one item's work; pause and cancel are checked between items
            return ItemOutcome.Succeeded;
        });
}

sealed class ImportParameters
{
    [Range(1, 10_000)]
    public int Files { get; set; }
}
// snippet: README.md end
