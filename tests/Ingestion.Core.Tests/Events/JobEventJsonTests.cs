using System.Text.Json;

namespace Ingestion.Core.Tests.Events;

public class JobEventJsonTests
{
    [Fact]
    public void AnEventAsJson_StartsWithItsType_AndDoesNotRepeatItAsKind()
    {
        foreach (var jobEvent in SampleEvents.OneOfEachKind("job-1"))
        {
            var json = JsonDocument.Parse(JsonSerializer.Serialize(jobEvent, JsonSerializerOptions.Web)).RootElement;

            var names = json.EnumerateObject().Select(p => p.Name).ToList();
            names[0].Should().Be("type");
            json.GetProperty("type").GetString().Should().Be(jobEvent.Kind switch
            {
                JobEventKind.State => "state",
                var kind => kind.ToString().ToLowerInvariant(),
            });
            names.Should().NotContain("kind", "the type says it already");
            names.Should().Contain(["jobId", "seq", "timestamp"]);

            var back = JsonSerializer.Deserialize<JobEvent>(json.GetRawText(), JsonSerializerOptions.Web)!;
            back.GetType().Should().Be(jobEvent.GetType());
            back.Seq.Should().Be(jobEvent.Seq);
        }
    }
}

public class JobEventWireShapeTests
{
    [Fact]
    public void TheWireShape_BelongsToTheTypes_SoPlainWebOptionsWriteEnumsAsNamesAndDurationsAsSeconds()
    {
        var progress = new JobProgressEvent
        {
            JobId = "job-1",
            Seq = 3,
            Timestamp = DateTimeOffset.UnixEpoch,
            Progress = new JobProgress { Total = 10, Succeeded = 4, Processed = 4, Elapsed = TimeSpan.FromMilliseconds(1500), EstimatedRemaining = TimeSpan.FromSeconds(2.25) },
        };
        var state = new JobStateChangedEvent { JobId = "job-1", Seq = 4, Timestamp = DateTimeOffset.UnixEpoch, State = JobState.Paused, PreviousState = JobState.Pausing };
        var log = new JobLogEvent { JobId = "job-1", Seq = 5, Timestamp = DateTimeOffset.UnixEpoch, Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "m" };

        var p = JsonDocument.Parse(JsonSerializer.Serialize<JobEvent>(progress, JsonSerializerOptions.Web)).RootElement.GetProperty("progress");
        p.GetProperty("elapsed").GetDouble().Should().Be(1.5);
        p.GetProperty("estimatedRemaining").GetDouble().Should().Be(2.25);
        var s = JsonDocument.Parse(JsonSerializer.Serialize<JobEvent>(state, JsonSerializerOptions.Web)).RootElement;
        s.GetProperty("state").GetString().Should().Be("paused");
        s.GetProperty("previousState").GetString().Should().Be("pausing");
        JsonDocument.Parse(JsonSerializer.Serialize<JobEvent>(log, JsonSerializerOptions.Web)).RootElement.GetProperty("level").GetString().Should().Be("warning");

        var back = (JobProgressEvent)JsonSerializer.Deserialize<JobEvent>(JsonSerializer.Serialize<JobEvent>(progress, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;
        back.Progress.Elapsed.Should().Be(TimeSpan.FromMilliseconds(1500));
        back.Progress.EstimatedRemaining.Should().Be(TimeSpan.FromSeconds(2.25));
    }
}
