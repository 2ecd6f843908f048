using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ingestion.Core.Tests.Diagnostics;

[Collection(nameof(GlobalListeners))]
public class IngestionDiagnosticsTests
{
    [Fact]
    public async Task Meter_ReportsFinishedJobs_LiveJobsByState_AndItemsProcessed()
    {
        var finished = new List<(long Value, string State)>();
        var observed = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IngestionDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (finished)
            {
                var state = tags.ToArray().FirstOrDefault(t => t.Key == "ingestion.job.state").Value as string ?? "";
                if (instrument.Name == "ingestion.jobs.finished")
                {
                    finished.Add((value, state));
                }
                else
                {
                    observed[$"{instrument.Name}/{state}"] = value;
                }
            }
        });
        listener.Start();
        await using var fixture = new ManagerFixture();
        var body = new GatedBody(items: 1);
        var running = await fixture.Manager.StartAsync(body.Body);
        await body.WaitUntilStartedAsync(1);

        var done = await fixture.Manager.StartAsync((context, _) =>
        {
            context.Progress.IncrementSucceeded(5);
            return Task.CompletedTask;
        });
        await fixture.Manager.WaitForCompletionAsync(done.Id).OrTimeout();

        // Counted when the run hands back its slot, just after its completion event.
        await Wait.UntilAsync(() => { lock (finished) { return finished.Contains((1, "completed")); } }, "the finished job is counted");
        listener.RecordObservableInstruments();

        lock (finished)
        {
            observed["ingestion.jobs/running"].Should().BeGreaterThanOrEqualTo(1);
            observed["ingestion.items.processed/"].Should().BeGreaterThanOrEqualTo(5);
        }

        body.Release();
        await fixture.Manager.WaitForCompletionAsync(running.Id).OrTimeout();
    }

    [Fact]
    public async Task ActivitySource_StartsOneActivityPerRun_LinkedToTheStarter_NotItsChild()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IngestionDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (activities)
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var fixture = new ManagerFixture();
        using var caller = new Activity("http-request").Start();

        var job = await fixture.Manager.StartAsync((_, _) => throw new InvalidOperationException("boom"));
        await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        caller.Stop();
        await Wait.UntilAsync(() => { lock (activities) { return activities.Any(a => (string?)a.GetTagItem("ingestion.job.id") == job.Id); } }, "the job's activity stops");

        Activity run;
        lock (activities)
        {
            run = activities.Single(a => (string?)a.GetTagItem("ingestion.job.id") == job.Id);
        }

        run.OperationName.Should().Be("ingestion.job");
        run.ParentId.Should().BeNull("a job outlives the request that started it");
        run.Links.Should().ContainSingle().Which.Context.TraceId.Should().Be(caller.TraceId);
        run.Status.Should().Be(ActivityStatusCode.Error);
        run.GetTagItem("ingestion.job.state").Should().Be("Failed");
    }
}

[CollectionDefinition(nameof(GlobalListeners), DisableParallelization = true)]
public sealed class GlobalListeners;
