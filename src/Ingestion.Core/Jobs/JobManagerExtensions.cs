using System.Text.Json;

namespace Ingestion.Core;

/// <summary>Conveniences over <see cref="IJobManager"/>.</summary>
public static class JobManagerExtensions
{
    /// <summary>Starts a job of a registered kind that takes no parameters.</summary>
    /// <param name="manager">The manager.</param>
    /// <param name="kind">The registered kind.</param>
    /// <param name="options">Per-start settings; optional.</param>
    /// <param name="cancellationToken">Cancels the start (not the job).</param>
    /// <returns>The new job.</returns>
    public static ValueTask<JobSnapshot> StartAsync(this IJobManager manager, string kind, JobStartOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manager);
        return manager.StartAsync(kind, default(JsonElement), options, cancellationToken);
    }

    /// <summary>Starts a job of a registered kind with typed parameters (serialized to JSON, then bound and validated as usual).</summary>
    /// <typeparam name="TParameters">The parameters type.</typeparam>
    /// <param name="manager">The manager.</param>
    /// <param name="kind">The registered kind.</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Per-start settings; optional.</param>
    /// <param name="cancellationToken">Cancels the start (not the job).</param>
    /// <returns>The new job.</returns>
    public static ValueTask<JobSnapshot> StartAsync<TParameters>(this IJobManager manager, string kind, TParameters parameters, JobStartOptions? options = null, CancellationToken cancellationToken = default)
        where TParameters : class
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(parameters);
        return manager.StartAsync(kind, JsonSerializer.SerializeToElement(parameters, IngestionJson.Options), options, cancellationToken);
    }

    /// <summary>Waits until a job ends its run (completed, cancelled, failed or interrupted) and returns its final snapshot.</summary>
    /// <param name="manager">The manager.</param>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Ends the wait (not the job).</param>
    /// <returns>The job's final snapshot.</returns>
    /// <exception cref="JobNotFoundException">No job has that id.</exception>
    public static async Task<JobSnapshot> WaitForCompletionAsync(this IJobManager manager, string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manager);
        JobSnapshot? last = null;
        await foreach (var jobEvent in manager.WatchAsync(jobId, long.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            switch (jobEvent)
            {
                case JobCompletedEvent completed:
                    return completed.Summary;
                case JobSnapshotEvent snapshot:
                    last = snapshot.Job;
                    break;
            }
        }

        // The watch ended without a completion event: the job had already ended, and its snapshot says how.
        return last ?? throw JobNotFoundException.For(jobId);
    }
}
