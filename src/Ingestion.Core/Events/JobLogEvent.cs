using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace Ingestion.Core;

/// <summary>A line the job body wrote to <see cref="JobContext.Logger"/>.</summary>
public sealed class JobLogEvent : JobEvent
{
    /// <summary>Gets the line's level.</summary>
    [JsonConverter(typeof(CamelCaseEnumConverter<LogLevel>))]
    public required LogLevel Level { get; init; }

    /// <summary>Gets the formatted message.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the exception logged with the line, as "Type: message", if any. The stack trace goes to the host's log only.</summary>
    public string? Exception { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override JobEventKind Kind => JobEventKind.Log;
}
