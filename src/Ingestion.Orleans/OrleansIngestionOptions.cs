namespace Ingestion.Orleans;

/// <summary>The options of <see cref="Microsoft.Extensions.DependencyInjection.OrleansIngestionBuilderExtensions.UseOrleansCluster"/>.</summary>
public sealed class OrleansIngestionOptions
{
    /// <summary>
    /// Gets or sets the Redis that carries every job's events to every host (a StackExchange.Redis configuration
    /// string, e.g. <c>redis.internal:6379</c>). Required. The one the cluster's membership uses will do.
    /// </summary>
    public string? EventsRedis { get; set; }

    /// <summary>
    /// Gets or sets the name of the Redis channel of the events. Default: <c>ingestion-events</c>. Hosts of one cluster
    /// use the same; two clusters on one Redis use two.
    /// </summary>
    public string EventsChannel { get; set; } = "ingestion-events";

    /// <summary>
    /// Gets or sets how often each silo looks in the store for live jobs that no silo runs any more (their silo died).
    /// Default: 10 seconds. Between 100 ms and 1 hour.
    /// </summary>
    public TimeSpan SupervisorInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets whether such a job is resumed from its checkpoint on the silo that finds it, or only marked
    /// <see cref="Core.JobState.Interrupted"/>, for someone to resume. Default: <see langword="true"/>.
    /// </summary>
    public bool ResumeOrphanedJobs { get; set; } = true;

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(EventsRedis))
        {
            yield return $"{nameof(EventsRedis)} must be set: the Redis that carries the events between hosts.";
        }

        if (string.IsNullOrWhiteSpace(EventsChannel))
        {
            yield return $"{nameof(EventsChannel)} must not be empty.";
        }

        if (SupervisorInterval < TimeSpan.FromMilliseconds(100) || SupervisorInterval > TimeSpan.FromHours(1))
        {
            yield return $"{nameof(SupervisorInterval)} must be between 100 ms and 1 hour (was {SupervisorInterval}).";
        }
    }
}
