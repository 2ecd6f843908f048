namespace Ingestion.Core;

/// <summary>One page of the job history.</summary>
public sealed class JobHistoryPage
{
    /// <summary>Gets the jobs on this page, newest first.</summary>
    public required IReadOnlyList<JobSnapshot> Items { get; init; }

    /// <summary>Gets how many jobs match the query in all.</summary>
    public required int TotalCount { get; init; }

    /// <summary>Gets the offset of this page.</summary>
    public required int Offset { get; init; }

    /// <summary>Gets the page size asked for.</summary>
    public required int Limit { get; init; }
}
