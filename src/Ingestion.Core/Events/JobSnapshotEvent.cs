using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>The whole job as it is now: the first event of every subscription.</summary>
public sealed class JobSnapshotEvent : JobEvent
{
    /// <summary>Gets the job.</summary>
    public required JobSnapshot Job { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override JobEventKind Kind => JobEventKind.Snapshot;
}
