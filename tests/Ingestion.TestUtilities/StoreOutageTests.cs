using System.Data.Common;
using FluentAssertions;
using Ingestion.Core;
using Ingestion.HuggingFace;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ingestion.TestUtilities;

/// <summary>
/// The database going away mid-run, for real, on a durable store: the store's test class breaks the database while the
/// HuggingFace job writes (stops the server, fills the disk). The job must stop Interrupted with the database's error,
/// whole puzzles only and nothing beyond its checkpoint; once the database is back, resume must finish it with the
/// table and the counters of an uninterrupted run.
/// </summary>
public abstract class StoreOutageTests : IAsyncLifetime
{
    private DirectoryInfo? _root;

    /// <summary>A scratch folder that lives as long as the test.</summary>
    protected string Root => _root?.FullName ?? throw new InvalidOperationException("Made in InitializeAsync.");

    /// <summary>Makes a fresh, empty database and answers what <see cref="UseStore"/> takes for it.</summary>
    protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>Puts the store on <paramref name="database"/>.</summary>
    protected abstract void UseStore(IIngestionBuilder builder, string database);

    /// <summary>Makes the database fail (while the job writes to it).</summary>
    protected abstract Task BreakAsync(string database);

    /// <summary>Makes it work again.</summary>
    protected abstract Task RestoreAsync(string database);

    /// <summary>Opens a connection of its own to read <paramref name="database"/> with.</summary>
    protected abstract Task<DbConnection> OpenAsync(string database);

    /// <summary>Checks the store-specific part of the error the job stopped with.</summary>
    protected abstract void CheckError(JobError stoppedWith);

    public virtual async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("ingestion-outage-");
        await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions { PuzzleCount = 160, Seed = 707 }, Path.Combine(Root, "puzzles"), Path.Combine(Root, "dataset"));
    }

    public virtual Task DisposeAsync()
    {
        _root?.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TheDatabaseGoingAwayMidRun_InterruptsTheJob_WithWholePuzzlesOnly_AndResumeFinishesItOnceItIsBack()
    {
        var expectedDatabase = await CreateDatabaseAsync();
        JobSnapshot uninterrupted;
        await using (var plain = Provider(expectedDatabase))
        {
            var manager = plain.GetRequiredService<IJobManager>();
            var job = await manager.StartAsync(HuggingFaceIngestionJob.Kind, Parameters(delayMs: 0));
            uninterrupted = await manager.WaitForCompletionAsync(job.Id).OrTimeout(TimeSpan.FromSeconds(60));
        }

        var expected = await ReadTableAsync(expectedDatabase);
        var database = await CreateDatabaseAsync();
        await using var provider = Provider(database);
        var jobs = provider.GetRequiredService<IJobManager>();
        var started = await jobs.StartAsync(HuggingFaceIngestionJob.Kind, Parameters(delayMs: 25));
        await Wait.UntilAsync(async () => (await jobs.GetAsync(started.Id))!.Progress.Processed >= 40, "40 puzzles are done");

        JobSnapshot stopped;
        await BreakAsync(database);
        try
        {
            stopped = await jobs.WaitForCompletionAsync(started.Id).OrTimeout(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await RestoreAsync(database);
        }

        stopped.State.Should().Be(JobState.Interrupted, stopped.Error?.ToString());
        // Which write fails first decides the message: a puzzle's commit (most of the time) or the history's copy of the checkpoint.
        stopped.Error!.Message.Should().Match(m => m.StartsWith("The explanation store failed while", StringComparison.Ordinal) || m.StartsWith("The checkpoint of job", StringComparison.Ordinal));
        CheckError(stopped.Error);
        stopped.Progress.Processed.Should().BeLessThan(uninterrupted.Progress.Processed, "the job stopped mid-run");
        var stored = await ReadTableAsync(database);
        stored.Should().NotBeEmpty().And.BeSubsetOf(expected, "each stored puzzle is whole and as an uninterrupted run wrote it");
        var checkpoint = await provider.GetRequiredService<IExplanationRepository>().GetCheckpointAsync(started.Id);
        var position = System.Text.Json.JsonDocument.Parse(checkpoint!).RootElement.GetProperty("position").GetInt32();
        stored.Select(static r => r.Split('|')[0]).Distinct().Count().Should().BeLessThanOrEqualTo(position, "nothing beyond the checkpoint is stored");

        (await jobs.ResumeAsync(started.Id)).Status.Should().Be(JobCommandStatus.Applied);
        var final = await jobs.WaitForCompletionAsync(started.Id).OrTimeout(TimeSpan.FromSeconds(60));

        final.State.Should().Be(JobState.Completed, final.Error?.ToString());
        final.Error.Should().BeNull();
        final.Progress.Succeeded.Should().Be(uninterrupted.Progress.Succeeded);
        final.Progress.Failed.Should().Be(uninterrupted.Progress.Failed);
        final.Progress.Counters.Should().BeEquivalentTo(uninterrupted.Progress.Counters);
        (await ReadTableAsync(database)).Should().Equal(expected);
        (await provider.GetRequiredService<IJobStore>().GetAsync(started.Id, CancellationToken.None))!.State
            .Should().Be(JobState.Completed, "the history caught up once the database was back");
    }

    private ServiceProvider Provider(string database)
    {
        var services = new ServiceCollection().AddLogging();
        var builder = services.AddIngestion(o => o.ProgressInterval = TimeSpan.FromMilliseconds(20))
            .AddHuggingFaceIngestion(o =>
            {
                o.Tasks.Add("Generated", Path.Combine(Root, "puzzles"));
                o.LocalDatasetRoots.Add(Root);
            });
        UseStore(builder, database);
        return services.BuildServiceProvider();
    }

    private HuggingFaceIngestionParameters Parameters(int delayMs) => new()
    {
        LocalPath = Path.Combine(Root, "dataset"),
        Dataset = "generated/arc-synthetic",
        ModelFolder = "synthetic-medium",
        Source = "Generated",
        DelayMs = delayMs,
    };

    private async Task<IReadOnlyList<string>> ReadTableAsync(string database)
    {
        await using var connection = await OpenAsync(database);
        return await CrashResumeTests.ReadExplanationsAsync(connection);
    }
}
