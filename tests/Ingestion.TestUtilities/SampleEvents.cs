using Ingestion.Core;
using Microsoft.Extensions.Logging;

namespace Ingestion.TestUtilities;

/// <summary>Events of every kind, for tests of code that serializes or forwards them.</summary>
public static class SampleEvents
{
    public static IReadOnlyList<JobEvent> OneOfEachKind(string jobId)
    {
        var at = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        var progress = new JobProgress
        {
            Total = 400,
            Processed = 120,
            Succeeded = 110,
            Failed = 4,
            Skipped = 6,
            Counters = new Dictionary<string, long> { ["NotFound"] = 2 },
            CurrentItem = "f3e62deb",
            Elapsed = TimeSpan.FromSeconds(42),
            ItemsPerSecond = 2.9,
            EstimatedRemaining = TimeSpan.FromSeconds(96),
            PercentComplete = 30,
        };
        var snapshot = new JobSnapshot
        {
            Id = jobId,
            Kind = "sample",
            Name = "Sample job",
            State = JobState.Running,
            Progress = progress,
            CreatedAt = at,
            StartedAt = at,
            RunCount = 1,
            LastSeq = 7,
        };
        return
        [
            new JobSnapshotEvent { JobId = jobId, Seq = 7, Timestamp = at, Job = snapshot },
            new JobStateChangedEvent { JobId = jobId, Seq = 8, Timestamp = at, State = JobState.Pausing, PreviousState = JobState.Running },
            new JobProgressEvent { JobId = jobId, Seq = 9, Timestamp = at, Progress = progress },
            new JobLogEvent { JobId = jobId, Seq = 10, Timestamp = at, Level = LogLevel.Information, Message = "f3e62deb — saved 2/2 attempts, 3/4 predictions correct" },
            new JobGapEvent { JobId = jobId, Seq = 14, Timestamp = at, FromSeq = 11, ToSeq = 14, Dropped = 4 },
            new JobCompletedEvent
            {
                JobId = jobId,
                Seq = 15,
                Timestamp = at,
                Summary = new JobSnapshot
                {
                    Id = jobId,
                    Kind = "sample",
                    State = JobState.Completed,
                    Progress = progress,
                    CreatedAt = at,
                    StartedAt = at,
                    FinishedAt = at.AddMinutes(1),
                    Results = new Dictionary<string, double> { ["pass@2"] = 0.5 },
                    RunCount = 1,
                    LastSeq = 15,
                },
            },
        ];
    }
}
