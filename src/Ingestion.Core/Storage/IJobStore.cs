namespace Ingestion.Core;

/// <summary>
/// Persists jobs: definition (kind + parameters), state, counters, timestamps, error, checkpoint and results, as a
/// <see cref="JobSnapshot"/> per job. The in-memory store is the default; SQLite and PostgreSQL stores come in
/// their own packages.
/// </summary>
/// <remarks>
/// The manager writes each job's snapshots one at a time and in order (never two writes of one job at once), on every
/// state change, on every checkpoint and at the end. A store should keep the latest write. A store that throws does
/// not stop a job, except that a checkpoint that cannot be saved fails the body's <see cref="JobContext.SaveCheckpointAsync"/>.
/// </remarks>
public interface IJobStore
{
    /// <summary>Creates or replaces a job's record.</summary>
    /// <param name="job">The job as it is now.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the record is durable.</returns>
    ValueTask SaveAsync(JobSnapshot job, CancellationToken cancellationToken);

    /// <summary>Reads one job.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The job, or <see langword="null"/> when the store has no job with that id.</returns>
    ValueTask<JobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Reads a page of jobs, newest (<see cref="JobSnapshot.CreatedAt"/>) first.</summary>
    /// <param name="query">Which jobs and which page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    ValueTask<JobHistoryPage> QueryAsync(JobHistoryQuery query, CancellationToken cancellationToken);
}
