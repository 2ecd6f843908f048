using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>The job's progress, sampled at <see cref="IngestionOptions.ProgressInterval"/>. Each one replaces the one before.</summary>
public sealed class JobProgressEvent : JobEvent
{
    /// <summary>Gets the progress.</summary>
    public required JobProgress Progress { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override JobEventKind Kind => JobEventKind.Progress;
}
