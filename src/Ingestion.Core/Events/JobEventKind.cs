using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>The kinds of <see cref="JobEvent"/>.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<JobEventKind>))]
public enum JobEventKind
{
    /// <summary>A <see cref="JobSnapshotEvent"/>: the whole job as it is now; the first event a subscriber receives.</summary>
    Snapshot = 0,

    /// <summary>A <see cref="JobStateChangedEvent"/>.</summary>
    State = 1,

    /// <summary>A <see cref="JobProgressEvent"/>.</summary>
    Progress = 2,

    /// <summary>A <see cref="JobLogEvent"/>.</summary>
    Log = 3,

    /// <summary>A <see cref="JobCompletedEvent"/>: the job reached a final or interrupted state; carries the summary.</summary>
    Completed = 4,

    /// <summary>A <see cref="JobGapEvent"/>: some events were dropped and will not be delivered.</summary>
    Gap = 5,
}
