using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>
/// Some of the job's events will not be delivered: they were evicted from the journal before a replay, or dropped
/// because this consumer fell behind. Progress is never lost this way (the next progress event is complete in itself);
/// log lines are. <see cref="JobEvent.Seq"/> is <see cref="ToSeq"/>.
/// </summary>
public sealed class JobGapEvent : JobEvent
{
    /// <summary>Gets the first sequence number that may be missing.</summary>
    public required long FromSeq { get; init; }

    /// <summary>Gets the last sequence number that may be missing.</summary>
    public required long ToSeq { get; init; }

    /// <summary>
    /// Gets how many events were dropped, when that is known exactly; <see langword="null"/> when only the range is
    /// known (a replay that starts inside the journal's evicted range).
    /// </summary>
    public long? Dropped { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override JobEventKind Kind => JobEventKind.Gap;
}
