using Microsoft.Extensions.Logging;

namespace Ingestion.Core;

/// <summary>Settings of the job manager. Every one has a default; they are validated together at start-up.</summary>
public sealed class IngestionOptions
{
    /// <summary>
    /// Gets or sets how many jobs may run at once; the rest wait, <see cref="JobState.Queued"/>, and start in the
    /// order they were started. Default: <see cref="Environment.ProcessorCount"/> (at least 2). At least 1.
    /// </summary>
    public int MaxConcurrentJobs { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Gets or sets how often a running job's progress is sampled and, if it changed, published. Default: 100 ms
    /// (10 updates a second per job). Between 10 ms and 1 minute.
    /// </summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets how many state changes and log lines each job's journal keeps for late subscribers and
    /// <c>since</c> replays. Default: 1000. At least 1.
    /// </summary>
    public int JournalCapacity { get; set; } = 1000;

    /// <summary>
    /// Gets or sets how many log events may wait in one sink's or one subscriber's queue before newer log events are
    /// dropped (and reported as a gap). Progress, state and completion events do not count. Default: 10,000. At least 1.
    /// </summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how long a stopping host gives live jobs to reach their next check before they are marked
    /// <see cref="JobState.Interrupted"/> anyway. Keep it below the host's own shutdown timeout
    /// (<c>HostOptions.ShutdownTimeout</c>, 30 s by default). Default: 10 seconds. Zero or more.
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets whether the host marks the store's live jobs Interrupted when it starts (they were the previous
    /// process's). Off under a cluster manager, where other hosts run them and a supervisor takes over the orphans.
    /// </summary>
    internal bool RecoverOnStart { get; set; } = true;

    /// <summary>
    /// Gets or sets how many finished jobs stay in memory with their journal (for <c>WatchAsync</c> of a job that just
    /// ended); older ones are still read from the store. Default: 100. Zero or more.
    /// </summary>
    public int RetainedFinishedJobs { get; set; } = 100;

    /// <summary>
    /// Gets or sets the lowest level of a job body's log lines that become <see cref="JobLogEvent"/>s. Lines below it
    /// still reach the host's logging (subject to its own filters). Default: <see cref="LogLevel.Information"/>.
    /// </summary>
    public LogLevel LogEventLevel { get; set; } = LogLevel.Information;

    /// <summary>Every problem with these settings, one sentence each; empty when they are valid.</summary>
    internal IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxConcurrentJobs < 1)
        {
            errors.Add($"{nameof(MaxConcurrentJobs)} must be at least 1 (was {MaxConcurrentJobs}).");
        }

        if (ProgressInterval < TimeSpan.FromMilliseconds(10) || ProgressInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{nameof(ProgressInterval)} must be between 10 ms and 1 minute (was {ProgressInterval}).");
        }

        if (JournalCapacity < 1)
        {
            errors.Add($"{nameof(JournalCapacity)} must be at least 1 (was {JournalCapacity}).");
        }

        if (QueueCapacity < 1)
        {
            errors.Add($"{nameof(QueueCapacity)} must be at least 1 (was {QueueCapacity}).");
        }

        if (ShutdownGracePeriod < TimeSpan.Zero)
        {
            errors.Add($"{nameof(ShutdownGracePeriod)} must not be negative (was {ShutdownGracePeriod}).");
        }

        if (RetainedFinishedJobs < 0)
        {
            errors.Add($"{nameof(RetainedFinishedJobs)} must not be negative (was {RetainedFinishedJobs}).");
        }

        if (!Enum.IsDefined(LogEventLevel))
        {
            errors.Add($"{nameof(LogEventLevel)} must be a defined log level (was {(int)LogEventLevel}).");
        }

        return errors;
    }

    internal IngestionOptions Clone() => (IngestionOptions)MemberwiseClone();
}
