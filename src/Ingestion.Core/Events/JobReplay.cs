namespace Ingestion.Core;

/// <summary>
/// What a subscriber that joins late (or comes back) needs before live events: the job as it is, and the journal's
/// entries after the sequence number it already has. See <see cref="IJobManager.ReplayAsync"/>.
/// </summary>
public sealed class JobReplay
{
    /// <summary>Gets the job as it is now; its <see cref="JobEvent.Seq"/> is the last event it reflects.</summary>
    public required JobSnapshotEvent Snapshot { get; init; }

    /// <summary>
    /// Gets the kept entries after the <c>since</c> asked for, oldest first, each with a sequence number no higher than
    /// the snapshot's; first a <see cref="JobGapEvent"/> if some of them are gone.
    /// </summary>
    public required IReadOnlyList<JobEvent> Events { get; init; }

    /// <summary>
    /// Gets whether the job came from the store only: it is not in this manager's memory, its journal is gone, and no
    /// more events of it will come from here (until it is resumed). A subscriber of a finished job that is
    /// <see langword="false"/> here can wait for the job's <see cref="JobCompletedEvent"/>, which follows its final state.
    /// </summary>
    public bool FromStore { get; init; }
}
