using Ingestion.Core;

namespace Ingestion.Sinks.Console.Implementation;

/// <summary>What the display knows about one job: its latest state and progress. Guarded by the display's lock.</summary>
internal sealed class JobView(string id, int number)
{
    public string Id { get; } = id;

    /// <summary>Gets the job's row number, from 1 in the order the display first heard of it (the keys select by it).</summary>
    public int Number { get; } = number;

    public string? Name { get; set; }

    public JobState State { get; set; } = JobState.Queued;

    public JobProgress Progress { get; set; } = JobProgress.Empty;

    /// <summary>Gets or sets when the last plain progress line of this job was printed (event time).</summary>
    public DateTimeOffset? LastPlainProgress { get; set; }

    public string Label => Name is null ? ShortId : $"{Name} {ShortId}";

    public string ShortId => Id.Length > 8 ? Id[..8] : Id;
}
