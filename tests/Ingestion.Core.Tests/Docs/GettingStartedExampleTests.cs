using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ingestion.Core.Tests.Docs;

/// <summary>The code of docs/getting-started.md, compiled and run.</summary>
public class GettingStartedExampleTests
{
    [Fact]
    public async Task WithoutDI_AJobRunsPausesResumesAndCompletes()
    {
        // snippet: docs/getting-started.md begin
        await using var manager = new JobManager(new IngestionOptions());

        var job = await manager.StartAsync(async (context, cancellationToken) =>
        {
            context.Progress.SetTotal(50);
            for (var i = 0; i < 50; i++)
            {
                await context.WaitIfPausedAsync();          // the check: free when running, waits while paused
                await Task.Delay(10, cancellationToken);    // the item's work
                context.Progress.IncrementSucceeded();      // an interlocked add, nothing more
            }

            context.Logger.LogInformation("imported {Count} items", 50);
        });

        var pause = await manager.PauseAsync(job.Id);       // pause.State is Pausing until the body reaches its check
        var resume = await manager.ResumeAsync(job.Id);
        var final = await manager.WaitForCompletionAsync(job.Id);
        Console.WriteLine($"{final.State}: {final.Progress.Succeeded} items in {final.Progress.Elapsed}");
        // snippet: docs/getting-started.md end

        pause.Succeeded.Should().BeTrue();
        resume.Succeeded.Should().BeTrue();
        final.State.Should().Be(JobState.Completed);
        final.Progress.Succeeded.Should().Be(50);
    }

    [Fact]
    public async Task CommandOutcomes_AreTyped()
    {
        await using var manager = new JobManager(new IngestionOptions());
        var job = await manager.StartAsync((_, _) => Task.CompletedTask);
        await manager.WaitForCompletionAsync(job.Id);

        // snippet: docs/getting-started.md begin
        var result = await manager.ResumeAsync(job.Id);
        switch (result.Status)
        {
            case JobCommandStatus.Applied:           // done: result.Job is the job as it is now
            case JobCommandStatus.Unchanged:         // it already was where you asked (pausing a paused job)
                break;
            case JobCommandStatus.NotFound:          // no such id
            case JobCommandStatus.InvalidTransition: // e.g. resuming a completed job; result.Message says why
                Console.WriteLine(result.Message);
                break;
        }
        // snippet: docs/getting-started.md end

        result.Status.Should().Be(JobCommandStatus.InvalidTransition);
    }

    [Fact]
    public async Task ARegisteredKind_IsStartedByName_WithValidatedParameters()
    {
        var services = new ServiceCollection().AddLogging();
        // snippet: docs/getting-started.md begin
        services.AddIngestion(options => options.MaxConcurrentJobs = 2)
            .AddJob<CopyJob, CopyParameters>("copy");
        // snippet: docs/getting-started.md end
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<IJobManager>();

        var bad = async () => await manager.StartAsync("copy", new CopyParameters { Items = 0 });
        (await bad.Should().ThrowAsync<JobStartException>()).Which.Errors.Should().ContainSingle(e => e.Member == "items");
        var job = await manager.StartAsync("copy", new CopyParameters { Items = 20 });
        var final = await manager.WaitForCompletionAsync(job.Id).OrTimeout();

        final.Progress.Succeeded.Should().Be(20);
        final.Checkpoint.Should().Be("19");
    }
}

// snippet: docs/getting-started.md begin
public sealed class CopyParameters
{
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int Items { get; set; }
}

public sealed class CopyJob(ILogger<CopyJob> logger) : IJob
{
    public async Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        var parameters = context.GetParameters<CopyParameters>();
        var first = context.Checkpoint is { } done ? int.Parse(done, CultureInfo.InvariantCulture) + 1 : 0;
        context.Progress.SetTotal(parameters.Items);
        for (var i = first; i < parameters.Items; i++)
        {
            await context.WaitIfPausedAsync();
            await CopyOneAsync(i, cancellationToken);
            context.Progress.IncrementSucceeded();
            await context.SaveCheckpointAsync(i.ToString(CultureInfo.InvariantCulture)); // resume starts after it
        }

        logger.LogInformation("Copied {Items} items", parameters.Items);
    }

    private static Task CopyOneAsync(int item, CancellationToken cancellationToken) => Task.Delay(1, cancellationToken);
}
// snippet: docs/getting-started.md end
