namespace Ingestion.Core;

/// <summary>
/// Something that happened to a job. Every job numbers its events with a monotonic sequence number
/// (<see cref="Seq"/>, from 1), so a subscriber can tell what it missed and ask for it again.
/// </summary>
public abstract class JobEvent
{
    /// <summary>Gets the job's id.</summary>
    public required string JobId { get; init; }

    /// <summary>
    /// Gets the event's sequence number within its job. For a <see cref="JobSnapshotEvent"/> it is the last event the
    /// snapshot reflects; for a <see cref="JobGapEvent"/>, the last event that was dropped.
    /// </summary>
    public required long Seq { get; init; }

    /// <summary>Gets when the event happened.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the event's kind.</summary>
    public abstract JobEventKind Kind { get; }
}
