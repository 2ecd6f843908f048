using Ingestion.HuggingFace;

namespace Ingestion.TestUtilities;

/// <summary>Shorthands of the tests over <see cref="IExplanationRepository"/>'s one write and its reads.</summary>
public static class ExplanationRepositoryExtensions
{
    /// <summary>Commits one record, without a checkpoint.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="record">The record.</param>
    /// <returns>A task that completes when the record is stored.</returns>
    public static ValueTask SaveAsync(this IExplanationRepository repository, ExplanationRecord record)
        => repository.CommitAsync(new ExplanationCommit([record]));

    /// <summary>Whether the repository has a record for the key.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="puzzleId">The puzzle id.</param>
    /// <param name="modelName">The model name.</param>
    /// <returns>Whether there is one.</returns>
    public static async ValueTask<bool> HasAsync(this IExplanationRepository repository, string puzzleId, string modelName)
        => await repository.GetAsync(puzzleId, modelName).ConfigureAwait(false) is not null;
}
