namespace Ingestion.HuggingFace;

/// <summary>An <see cref="IExplanationRepository"/> in memory: for tests, dry runs and hosts that keep nothing.</summary>
internal sealed class InMemoryExplanationRepository : IExplanationRepository
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string PuzzleId, string ModelName), ExplanationRecord> _records = [];
    private readonly Dictionary<string, string> _checkpoints = new(StringComparer.Ordinal);

    /// <summary>Gets the number of records.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _records.Count;
            }
        }
    }

    /// <summary>Gets every record, ordered by puzzle id and model name.</summary>
    /// <returns>A copy of the records.</returns>
    public IReadOnlyList<ExplanationRecord> GetAll()
    {
        lock (_gate)
        {
            return [.. _records.Values.OrderBy(static r => r.PuzzleId, StringComparer.Ordinal).ThenBy(static r => r.ModelName, StringComparer.Ordinal)];
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlySet<string>> GetModelNamesAsync(string puzzleId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(puzzleId);
        var names = new HashSet<string>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var key in _records.Keys)
            {
                if (string.Equals(key.PuzzleId, puzzleId, StringComparison.Ordinal))
                {
                    names.Add(key.ModelName);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlySet<string>>(names);
    }

    /// <inheritdoc />
    public ValueTask<ExplanationRecord?> GetAsync(string puzzleId, string modelName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_records.GetValueOrDefault((puzzleId, modelName)));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string puzzleId, string modelName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_records.Remove((puzzleId, modelName)));
        }
    }

    /// <inheritdoc />
    public ValueTask CommitAsync(ExplanationCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var record in commit.Records)
            {
                _records[(record.PuzzleId, record.ModelName)] = record;
            }

            if (commit.JobId is not null && commit.Checkpoint is not null)
            {
                _checkpoints[commit.JobId] = commit.Checkpoint;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<string?> GetCheckpointAsync(string jobId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_checkpoints.GetValueOrDefault(jobId));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, long>> CountByModelNameAsync(CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var key in _records.Keys)
            {
                counts[key.ModelName] = counts.GetValueOrDefault(key.ModelName) + 1;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, long>>(counts);
    }
}
