using System.Text.Json;
using Ingestion.Core;

namespace Ingestion.Orleans.Tests;

/// <summary>What crosses a grain call is Core's JSON: every answer comes back as the same value.</summary>
public sealed class ClusterJsonTests
{
    private static readonly JobSnapshot Job = new()
    {
        Id = "0123456789abcdef0123456789abcdef",
        Kind = "huggingface",
        Name = "synthetic-medium",
        State = JobState.Paused,
        Parameters = JsonDocument.Parse("""{"dataset":"generated/arc-synthetic","limit":5}""").RootElement.Clone(),
        Progress = new JobProgress { Total = 40, Processed = 12, Succeeded = 11, Failed = 1, Counters = new Dictionary<string, long> { ["NotFound"] = 0 }, Elapsed = TimeSpan.FromSeconds(3.5) },
        CreatedAt = DateTimeOffset.Parse("2026-12-04T06:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture),
        Checkpoint = "00576224",
        Results = new Dictionary<string, double> { ["passAt2"] = 0.5 },
        RunCount = 2,
        LastSeq = 42,
    };

    [Fact]
    public void ACommandResult_RoundTrips()
    {
        var answer = new CommandAnswer(JobCommandStatus.InvalidTransition, Job.Id, Job, "The job is paused; only a running job can be paused.");

        var back = ClusterJson.Read<CommandAnswer>(ClusterJson.Write(answer)).ToResult();

        back.Status.Should().Be(JobCommandStatus.InvalidTransition);
        back.Message.Should().Be("The job is paused; only a running job can be paused.");
        back.Job.Should().BeEquivalentTo(Job, o => o.Excluding(j => j.Parameters));
        back.Job!.Parameters.GetRawText().Should().Be(Job.Parameters.GetRawText());
    }

    [Fact]
    public void ARefusedStart_BecomesTheSameJobStartException()
    {
        var refused = new JobStartException("Invalid parameters for a job of kind 'huggingface': limit: too big.", [new JobStartError("limit", "too big.")]) { Kind = "huggingface" };

        var back = ClusterJson.Read<StartAnswer>(ClusterJson.Write(new StartAnswer(null, StartRefusal.From(refused)))).Refusal!.ToException();

        back.Message.Should().Be(refused.Message);
        back.Kind.Should().Be("huggingface");
        back.Failure.Should().Be(JobStartFailure.InvalidParameters);
        back.Errors.Should().ContainSingle().Which.ToString().Should().Be("limit: too big.");
    }

    [Fact]
    public void AReplay_KeepsItsEventsAndTheirKinds()
    {
        var at = DateTimeOffset.UnixEpoch;
        var replay = new JobReplay
        {
            Snapshot = new JobSnapshotEvent { JobId = Job.Id, Seq = 42, Timestamp = at, Job = Job },
            Events =
            [
                new JobLogEvent { JobId = Job.Id, Seq = 40, Timestamp = at, Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "f3e62deb — saved 2/2 attempts" },
                new JobGapEvent { JobId = Job.Id, Seq = 41, Timestamp = at, FromSeq = 30, ToSeq = 41, Dropped = null },
            ],
            FromStore = false,
        };

        var back = ClusterJson.Read<ReplayAnswer>(ClusterJson.Write(ReplayAnswer.From(replay))).ToReplay();

        back.Snapshot.Seq.Should().Be(42);
        back.Snapshot.Job.State.Should().Be(JobState.Paused);
        back.Events.Select(e => e.GetType()).Should().Equal(typeof(JobLogEvent), typeof(JobGapEvent));
        ((JobLogEvent)back.Events[0]).Message.Should().Be("f3e62deb — saved 2/2 attempts");
        ((JobGapEvent)back.Events[1]).FromSeq.Should().Be(30);
    }
}
