namespace Ingestion.Core.Tests.Progress;

public class ProgressReporterTests
{
    [Fact]
    public void Processed_IsTheSumOfEveryOutcome_SoCountsNeverOverlap()
    {
        var progress = new ProgressReporter();

        progress.IncrementSucceeded(3);
        progress.IncrementFailed();
        progress.IncrementSkipped(2);
        progress.IncrementProcessed();
        progress.GetCounter("NotFound").Increment();

        progress.Processed.Should().Be(7);
        (progress.Succeeded, progress.Failed, progress.Skipped).Should().Be((3L, 1L, 2L));
        progress.GetCounter("NotFound").Value.Should().Be(1);
    }

    [Fact]
    public void GetCounter_ReturnsTheSameCounter_ForTheSameName()
    {
        var progress = new ProgressReporter();

        var counter = progress.GetCounter("ValidationErrors");
        progress.Increment("ValidationErrors", 4);

        progress.GetCounter("ValidationErrors").Should().BeSameAs(counter);
        counter.Value.Should().Be(4);
        counter.Name.Should().Be("ValidationErrors");
    }

    [Fact]
    public void Total_IsUnknownUntilSet_AndCannotBeNegative()
    {
        var progress = new ProgressReporter();

        progress.Total.Should().BeNull();
        progress.SetTotal(0);
        progress.Total.Should().Be(0);
        var negative = () => progress.SetTotal(-1);
        negative.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Reporting_AllocatesNothing()
    {
        var progress = new ProgressReporter();
        var counter = progress.GetCounter("NotFound");
        const string item = "f3e62deb";
        progress.IncrementSucceeded();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            progress.IncrementSucceeded();
            progress.IncrementFailed();
            progress.SetCurrentItem(item);
            counter.Increment();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public async Task ConcurrentReports_AreAllCounted()
    {
        var progress = new ProgressReporter();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                progress.IncrementSucceeded();
            }
        })));

        progress.Succeeded.Should().Be(400_000);
    }
}
