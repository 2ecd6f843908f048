// The program of docs/getting-started.md, "Five minutes to a live progress bar". Not compiled into the tests: the
// packaging tests copy it into a console app made with the page's own commands and run it against the packed packages.
// snippet: docs/getting-started.md begin
using Ingestion.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();                  // the console sink draws the jobs; no host log lines in between
builder.Services.AddIngestion().AddConsoleSink();  // a live table in a terminal, plain lines when redirected
using var host = builder.Build();
await host.StartAsync();

var jobs = host.Services.GetRequiredService<IJobManager>();
var job = await jobs.StartAsync((context, cancellationToken) =>
    context.ForEachAsync(Enumerable.Range(1, 400), async (item, ct) =>
    {
        await Task.Delay(10, ct);                  // one item's work; pause and cancel are checked between items
        return item % 100 == 0 ? ItemOutcome.Failed : ItemOutcome.Succeeded;
    }), new JobStartOptions { Name = "hello" });

var ctrlC = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
try
{
    await Task.Delay(TimeSpan.FromSeconds(2), ctrlC);
    await jobs.PauseAsync(job.Id);                 // the row says Paused, its bar turns yellow, the clock stops
    await Task.Delay(TimeSpan.FromSeconds(2), ctrlC);
    await jobs.ResumeAsync(job.Id);
    await jobs.WaitForCompletionAsync(job.Id, ctrlC);  // the sink prints the job's summary when it ends
}
catch (OperationCanceledException)
{
    // Ctrl+C: stopping the host stops the job at its next check, and it ends Interrupted.
}

await host.StopAsync();
// snippet: docs/getting-started.md end
