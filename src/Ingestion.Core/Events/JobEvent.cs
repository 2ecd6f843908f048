using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>
/// Something that happened to a job. Every job numbers its events with a monotonic sequence number
/// (<see cref="Seq"/>, from 1), so a subscriber can tell what it missed and ask for it again.
/// </summary>
/// <remarks>
/// Serialized as JSON (declared as <see cref="JobEvent"/>), an event carries a <c>type</c> property first:
/// <c>snapshot</c>, <c>state</c>, <c>progress</c>, <c>log</c>, <c>completed</c> or <c>gap</c> (the wire protocol, docs/protocol.md).
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(JobSnapshotEvent), "snapshot")]
[JsonDerivedType(typeof(JobStateChangedEvent), "state")]
[JsonDerivedType(typeof(JobProgressEvent), "progress")]
[JsonDerivedType(typeof(JobLogEvent), "log")]
[JsonDerivedType(typeof(JobCompletedEvent), "completed")]
[JsonDerivedType(typeof(JobGapEvent), "gap")]
public abstract class JobEvent
{
    // The kinds are a closed set (Kind, the wire protocol's "type"): only Core derives from this class.
    private protected JobEvent()
    {
    }

    /// <summary>Gets the job's id.</summary>
    public required string JobId { get; init; }

    /// <summary>
    /// Gets the event's sequence number within its job. For a <see cref="JobSnapshotEvent"/> it is the last event the
    /// snapshot reflects; for a <see cref="JobGapEvent"/>, the last event that was dropped.
    /// </summary>
    public required long Seq { get; init; }

    /// <summary>Gets when the event happened.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the event's kind (in JSON, the <c>type</c> property says it).</summary>
    [JsonIgnore]
    public abstract JobEventKind Kind { get; }
}
