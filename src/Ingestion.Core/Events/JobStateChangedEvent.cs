using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>The job moved from one state to another.</summary>
public sealed class JobStateChangedEvent : JobEvent
{
    /// <summary>Gets the new state.</summary>
    public required JobState State { get; init; }

    /// <summary>Gets the state before, or <see langword="null"/> for the first event of a job.</summary>
    public JobState? PreviousState { get; init; }

    /// <summary>Gets the error, when the new state is <see cref="JobState.Failed"/>.</summary>
    public JobError? Error { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override JobEventKind Kind => JobEventKind.State;
}
