namespace Ingestion.HuggingFace.Tests;

/// <summary>
/// An in-memory repository whose commits can be held at a chosen one, so a test can act on a job part way through
/// without racing it; and made to fail, as a database that went away would.
/// </summary>
internal sealed class GatedRepository(InMemoryExplanationRepository inner) : IExplanationRepository
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _gate = CompletedGate();
    private int _commits;

    public InMemoryExplanationRepository Inner => inner;

    /// <summary>Gets or sets the number of commits let through before the next one waits for <see cref="Release"/>; none when null.</summary>
    public int? HoldAfter { get; set; }

    /// <summary>Gets or sets an exception every commit throws (the database is gone).</summary>
    public Exception? Failure { get; set; }

    public Task Held => _held.Task;

    public void Release() => _gate.TrySetResult();

    public ValueTask<IReadOnlySet<string>> GetModelNamesAsync(string puzzleId, CancellationToken cancellationToken = default) => inner.GetModelNamesAsync(puzzleId, cancellationToken);

    public ValueTask<ExplanationRecord?> GetAsync(string puzzleId, string modelName, CancellationToken cancellationToken = default) => inner.GetAsync(puzzleId, modelName, cancellationToken);

    public ValueTask<bool> DeleteAsync(string puzzleId, string modelName, CancellationToken cancellationToken = default) => inner.DeleteAsync(puzzleId, modelName, cancellationToken);

    public async ValueTask CommitAsync(ExplanationCommit commit, CancellationToken cancellationToken = default)
    {
        if (Failure is { } failure)
        {
            throw failure;
        }

        if (HoldAfter is { } after && Interlocked.Increment(ref _commits) == after + 1)
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _held.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
        }

        await inner.CommitAsync(commit, cancellationToken);
    }

    public ValueTask<string?> GetCheckpointAsync(string jobId, CancellationToken cancellationToken = default) => inner.GetCheckpointAsync(jobId, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, long>> CountByModelNameAsync(CancellationToken cancellationToken = default) => inner.CountByModelNameAsync(cancellationToken);

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }
}
