namespace Ingestion.HuggingFace;

/// <summary>
/// Where the ingestion writes its records (one per puzzle and model attempt, unique on (puzzle id, model name)) and
/// its checkpoints. <see cref="CommitAsync"/> writes a puzzle's records and the job's checkpoint together, so after a
/// crash the repository holds whole puzzles only and the checkpoint matches them. Implementations must be safe to call
/// from several jobs at once. <c>AddHuggingFaceIngestion</c> registers one in memory; SQLite and PostgreSQL have
/// packages of their own.
/// </summary>
public interface IExplanationRepository
{
    /// <summary>Gets the model names that have a record for a puzzle.</summary>
    /// <param name="puzzleId">The puzzle id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model names (ordinal comparison).</returns>
    ValueTask<IReadOnlySet<string>> GetModelNamesAsync(string puzzleId, CancellationToken cancellationToken = default);

    /// <summary>Gets a record.</summary>
    /// <param name="puzzleId">The puzzle id.</param>
    /// <param name="modelName">The model name, <c>{modelFolder}-attempt{n}</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    ValueTask<ExplanationRecord?> GetAsync(string puzzleId, string modelName, CancellationToken cancellationToken = default);

    /// <summary>Deletes a record.</summary>
    /// <param name="puzzleId">The puzzle id.</param>
    /// <param name="modelName">The model name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether there was one.</returns>
    ValueTask<bool> DeleteAsync(string puzzleId, string modelName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts records, or replaces those with the same (puzzle id, model name), and saves a job's checkpoint, in one
    /// transaction: either all of it is stored or none of it. Idempotent. This is the one write of the interface.
    /// </summary>
    /// <param name="commit">The records and the checkpoint.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the commit is durable.</returns>
    ValueTask CommitAsync(ExplanationCommit commit, CancellationToken cancellationToken = default);

    /// <summary>Gets the last checkpoint a job committed.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The checkpoint, or <see langword="null"/> when the job committed none.</returns>
    ValueTask<string?> GetCheckpointAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Counts records by model name (<c>{modelFolder}-attempt{n}</c>), for folder discovery.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of records of each model name that has any.</returns>
    ValueTask<IReadOnlyDictionary<string, long>> CountByModelNameAsync(CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="IExplanationRepository.CommitAsync"/> writes at once.</summary>
/// <param name="Records">The records to upsert; may be empty (a puzzle that was not found still moves the checkpoint).</param>
/// <param name="JobId">The job whose checkpoint this is; <see langword="null"/> to write records only.</param>
/// <param name="Checkpoint">The checkpoint; <see langword="null"/> to write records only.</param>
public sealed record ExplanationCommit(IReadOnlyList<ExplanationRecord> Records, string? JobId = null, string? Checkpoint = null);
