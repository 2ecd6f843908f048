using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>The states of a job. See docs/architecture.md for the transitions.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<JobState>))]
public enum JobState
{
    /// <summary>Accepted, waiting for a free slot (<see cref="IngestionOptions.MaxConcurrentJobs"/>).</summary>
    Queued = 0,

    /// <summary>The body is running.</summary>
    Running = 1,

    /// <summary>A pause was requested; the body has not yet reached its next pause check.</summary>
    Pausing = 2,

    /// <summary>The body is waiting at a pause check. Paused time does not count as elapsed.</summary>
    Paused = 3,

    /// <summary>The body returned. Final.</summary>
    Completed = 4,

    /// <summary>The job was cancelled. Final.</summary>
    Cancelled = 5,

    /// <summary>The body threw; <see cref="JobSnapshot.Error"/> holds the error. Final.</summary>
    Failed = 6,

    /// <summary>The host stopped (or died) while the job was live. Not final: resuming continues from the checkpoint.</summary>
    Interrupted = 7,
}
