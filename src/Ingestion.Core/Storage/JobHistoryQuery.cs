namespace Ingestion.Core;

/// <summary>Which jobs to read from the history, and which page of them.</summary>
public sealed class JobHistoryQuery
{
    /// <summary>The largest <see cref="Limit"/> allowed.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Gets or sets the states to include; <see langword="null"/> or empty for every state. Default: every state.</summary>
    public IReadOnlyCollection<JobState>? States { get; set; }

    /// <summary>Gets or sets the kind to include; <see langword="null"/> for every kind. Default: every kind.</summary>
    public string? Kind { get; set; }

    /// <summary>Gets or sets how many matching jobs to skip, newest first. Default: 0.</summary>
    public int Offset { get; set; }

    /// <summary>Gets or sets the page size, 1 to <see cref="MaxLimit"/>. Default: 50.</summary>
    public int Limit { get; set; } = 50;

    /// <summary>Whether a job matches the filters (not the paging).</summary>
    /// <param name="job">The job.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool Matches(JobSnapshot job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return (States is null || States.Count == 0 || States.Contains(job.State))
            && (Kind is null || string.Equals(Kind, job.Kind, StringComparison.Ordinal));
    }

    /// <summary>Throws when the paging is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Offset"/> is negative or <see cref="Limit"/> is outside 1 to <see cref="MaxLimit"/>.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Limit, MaxLimit);
    }
}
