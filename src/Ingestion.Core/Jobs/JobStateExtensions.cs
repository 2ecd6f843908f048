namespace Ingestion.Core;

/// <summary>Questions about a <see cref="JobState"/>.</summary>
public static class JobStateExtensions
{
    /// <summary>Whether a job in this state is live: queued, running, pausing or paused.</summary>
    /// <param name="state">The state.</param>
    /// <returns><see langword="true"/> for <see cref="JobState.Queued"/>, <see cref="JobState.Running"/>, <see cref="JobState.Pausing"/> and <see cref="JobState.Paused"/>.</returns>
    public static bool IsLive(this JobState state) => state is JobState.Queued or JobState.Running or JobState.Pausing or JobState.Paused;

    /// <summary>Whether the state is final: completed, cancelled or failed. (Interrupted is not final: it can be resumed.)</summary>
    /// <param name="state">The state.</param>
    /// <returns><see langword="true"/> for <see cref="JobState.Completed"/>, <see cref="JobState.Cancelled"/> and <see cref="JobState.Failed"/>.</returns>
    public static bool IsFinal(this JobState state) => state is JobState.Completed or JobState.Cancelled or JobState.Failed;
}
