using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>A job's progress at one moment: counters, current item, elapsed time, rate and ETA.</summary>
public sealed class JobProgress
{
    private static readonly IReadOnlyDictionary<string, long> NoCounters = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Gets progress with every counter at zero.</summary>
    public static JobProgress Empty { get; } = new();

    /// <summary>Gets the total number of items, or <see langword="null"/> while it is not known.</summary>
    public long? Total { get; init; }

    /// <summary>Gets the number of items processed, whatever their outcome.</summary>
    public long Processed { get; init; }

    /// <summary>Gets the number of items that succeeded.</summary>
    public long Succeeded { get; init; }

    /// <summary>Gets the number of items that failed.</summary>
    public long Failed { get; init; }

    /// <summary>Gets the number of items that were skipped.</summary>
    public long Skipped { get; init; }

    /// <summary>Gets the named extra counters (e.g. <c>NotFound</c>), by name.</summary>
    public IReadOnlyDictionary<string, long> Counters { get; init; } = NoCounters;

    /// <summary>Gets the item being processed, if the body reported one.</summary>
    public string? CurrentItem { get; init; }

    /// <summary>Gets the body's last status message, if any.</summary>
    public string? Message { get; init; }

    /// <summary>Gets the time the job has spent running, excluding the time it was paused, across every run of it.</summary>
    [JsonConverter(typeof(SecondsConverter))]
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets the smoothed processing rate in items per second (zero until it can be measured).</summary>
    public double ItemsPerSecond { get; init; }

    /// <summary>Gets the estimated time left, when the total and a rate are known.</summary>
    [JsonConverter(typeof(SecondsConverter))]
    public TimeSpan? EstimatedRemaining { get; init; }

    /// <summary>Gets the percentage done (0 to 100), when the total is known.</summary>
    public double? PercentComplete { get; init; }
}
