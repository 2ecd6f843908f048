using System.Collections.Concurrent;
using Ingestion.Core;

namespace Ingestion.TestUtilities;

/// <summary>
/// A job store in memory that tests can share between hosts (as a database would be shared) and hold up: every
/// save first awaits <see cref="BeforeSave"/>, if set.
/// </summary>
public sealed class MemoryJobStore : IJobStore
{
    private readonly ConcurrentDictionary<string, JobSnapshot> _jobs = new(StringComparer.Ordinal);

    public Func<JobSnapshot, CancellationToken, Task>? BeforeSave { get; set; }

    public ValueTask<JobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken)
        => new(_jobs.TryGetValue(jobId, out var job) ? job : null);

    public ValueTask<JobHistoryPage> QueryAsync(JobHistoryQuery query, CancellationToken cancellationToken)
    {
        var matches = _jobs.Values.Where(query.Matches).OrderByDescending(j => j.CreatedAt).ToList();
        return new(new JobHistoryPage { Items = matches.Skip(query.Offset).Take(query.Limit).ToList(), TotalCount = matches.Count, Offset = query.Offset, Limit = query.Limit });
    }

    public async ValueTask SaveAsync(JobSnapshot job, CancellationToken cancellationToken)
    {
        if (BeforeSave is { } beforeSave)
        {
            await beforeSave(job, cancellationToken);
        }

        _jobs[job.Id] = job;
    }
}
