using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>
/// The job reached a final state (<see cref="JobState.Completed"/>, <see cref="JobState.Cancelled"/>,
/// <see cref="JobState.Failed"/>) or was <see cref="JobState.Interrupted"/>. Always the job's last event of a run.
/// </summary>
public sealed class JobCompletedEvent : JobEvent
{
    /// <summary>Gets the job's summary: its final snapshot, with counters, elapsed time, results and error.</summary>
    public required JobSnapshot Summary { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override JobEventKind Kind => JobEventKind.Completed;
}
