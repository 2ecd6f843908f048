using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Core.Tests.Docs;

/// <summary>The code of src/Ingestion.Core/README.md (the package's page on NuGet), compiled and run.</summary>
public sealed class PackageReadmeTests
{
    [Fact]
    public async Task TheReadmesJob_IsStartedPausedResumedAndWatchedToItsEnd_WithItsSink()
    {
        var services = new ServiceCollection().AddLogging();
        // snippet: src/Ingestion.Core/README.md begin
        services.AddIngestion(o => o.MaxConcurrentJobs = 4)
                .AddJob<MyImportJob, MyImportParameters>("my-import")
                .AddSink<MySink>();
        // snippet: src/Ingestion.Core/README.md end
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<IJobManager>();
        var watch = Task.Run(async () =>
        {
            // snippet: src/Ingestion.Core/README.md begin
            var job = await manager.StartAsync("my-import", new MyImportParameters { Source = "…" });
            await manager.PauseAsync(job.Id);
            await manager.ResumeAsync(job.Id);
            await foreach (var e in manager.WatchAsync(job.Id))   // ends with the run
            {
                Console.WriteLine(e.Kind);
            }
            // snippet: src/Ingestion.Core/README.md end
            return job.Id;
        });

        var jobId = await watch.OrTimeout();    // the watch ends with the run
        var final = await manager.GetAsync(jobId);
        final!.State.Should().Be(JobState.Completed);
        final.Progress.Succeeded.Should().Be(20);
        var sink = provider.GetServices<IProgressSink>().OfType<MySink>().Single();
        await Wait.UntilAsync(() => sink.Has(JobEventKind.Completed), "the sink gets the job's events");
    }

    private sealed class MyImportParameters
    {
        public required string Source { get; init; }
    }

    private sealed class MyImportJob : IJob
    {
        public Task ExecuteAsync(JobContext context, CancellationToken cancellationToken) =>
            context.ForEachAsync(Enumerable.Range(0, 20), async (_, ct) =>
            {
                await Task.Delay(5, ct);
                return ItemOutcome.Succeeded;
            });
    }

    private sealed class MySink : IProgressSink
    {
        private readonly List<JobEventKind> _kinds = [];

        public bool Has(JobEventKind kind)
        {
            lock (_kinds)
            {
                return _kinds.Contains(kind);
            }
        }

        public ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
        {
            lock (_kinds)
            {
                _kinds.Add(jobEvent.Kind);
            }

            return ValueTask.CompletedTask;
        }
    }
}
