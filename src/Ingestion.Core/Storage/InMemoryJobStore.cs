using System.Collections.Concurrent;

namespace Ingestion.Core;

/// <summary>The default store: jobs live as long as the process. Use a database store to keep history across restarts.</summary>
internal sealed class InMemoryJobStore : IJobStore
{
    private readonly ConcurrentDictionary<string, JobSnapshot> _jobs = new(StringComparer.Ordinal);

    public ValueTask SaveAsync(JobSnapshot job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        cancellationToken.ThrowIfCancellationRequested();
        _jobs[job.Id] = job;
        return default;
    }

    public ValueTask<JobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<JobSnapshot?>(_jobs.TryGetValue(jobId, out var job) ? job : null);
    }

    public ValueTask<JobHistoryPage> QueryAsync(JobHistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var matches = _jobs.Values
            .Where(query.Matches)
            .OrderByDescending(static j => j.CreatedAt)
            .ThenByDescending(static j => j.Id, StringComparer.Ordinal)
            .ToList();
        return new ValueTask<JobHistoryPage>(new JobHistoryPage
        {
            Items = matches.Skip(query.Offset).Take(query.Limit).ToArray(),
            TotalCount = matches.Count,
            Offset = query.Offset,
            Limit = query.Limit,
        });
    }
}
