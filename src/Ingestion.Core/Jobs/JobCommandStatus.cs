using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>What became of a pause, resume or cancel command.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<JobCommandStatus>))]
public enum JobCommandStatus
{
    /// <summary>The command was carried out (the job's state changed or cancellation was requested).</summary>
    Applied = 0,

    /// <summary>The job was already where the command would take it (e.g. pausing a paused job). Nothing changed.</summary>
    Unchanged = 1,

    /// <summary>No job has that id.</summary>
    NotFound = 2,

    /// <summary>The command is not allowed in the job's state (e.g. resuming a completed job). Nothing changed.</summary>
    InvalidTransition = 3,
}
