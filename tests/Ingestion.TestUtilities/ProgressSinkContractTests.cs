using FluentAssertions;
using Ingestion.Core;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Ingestion.TestUtilities;

/// <summary>
/// What every <see cref="IProgressSink"/> must do, whatever its destination. A sink's test class inherits this and
/// says how to make the sink; the tests drive it directly and through a real <see cref="JobManager"/>.
/// </summary>
public abstract class ProgressSinkContractTests
{
    /// <summary>Makes a fresh sink for one test. Dispose it in <see cref="DisposeSinkAsync"/> if it needs that.</summary>
    protected abstract ValueTask<IProgressSink> CreateSinkAsync();

    /// <summary>Releases what <see cref="CreateSinkAsync"/> made.</summary>
    protected virtual ValueTask DisposeSinkAsync(IProgressSink sink) => sink is IAsyncDisposable d ? d.DisposeAsync() : default;

    [Fact]
    public async Task EmitAsync_AcceptsEveryKindOfEvent()
    {
        var sink = await CreateSinkAsync();
        try
        {
            foreach (var jobEvent in SampleEvents.OneOfEachKind("contract-job"))
            {
                await sink.EmitAsync(jobEvent, CancellationToken.None).AsTask().OrTimeout();
            }
        }
        finally
        {
            await DisposeSinkAsync(sink);
        }
    }

    [Fact]
    public async Task EmitAsync_WithACancelledToken_ReturnsOrThrowsOperationCanceled_WithoutHanging()
    {
        var sink = await CreateSinkAsync();
        try
        {
            var emit = async () => await sink.EmitAsync(SampleEvents.OneOfEachKind("contract-job")[1], new CancellationToken(canceled: true)).AsTask().OrTimeout();
            var exception = await Record.ExceptionAsync(emit);
            (exception is null or OperationCanceledException).Should().BeTrue($"a sink may only ignore the token or honour it, not fail with {exception}");
        }
        finally
        {
            await DisposeSinkAsync(sink);
        }
    }

    [Fact]
    public async Task UnderAJobManager_TheSinkIsOfferedEveryEvent_AndFailsNone()
    {
        var sink = await CreateSinkAsync();
        var manager = new JobManager(new IngestionOptions(), [sink]);
        try
        {
            var job = await manager.StartAsync(async (context, ct) =>
            {
                context.Progress.SetTotal(3);
                for (var i = 0; i < 3; i++)
                {
                    await context.WaitIfPausedAsync();
                    context.Logger.LogInformation("item {Item}", i);
                    context.Progress.IncrementSucceeded();
                }
            });

            var final = await manager.WaitForCompletionAsync(job.Id).OrTimeout();
            final.State.Should().Be(JobState.Completed);
        }
        finally
        {
            await manager.ShutdownAsync();
            await DisposeSinkAsync(sink);
        }

        var statistics = manager.GetSinkStatistics().Should().ContainSingle().Subject;
        statistics.Failed.Should().Be(0);
        statistics.Dropped.Should().Be(0);
        statistics.Delivered.Should().BeGreaterThanOrEqualTo(5, "queued, running, completed, three log lines and the completion event");
    }
}
