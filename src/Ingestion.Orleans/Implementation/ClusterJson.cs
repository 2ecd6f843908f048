using System.Text.Json;
using Ingestion.Core;

namespace Ingestion.Orleans;

/// <summary>
/// How Core's types cross a grain call: as their JSON (the wire protocol's shape, which Core's types round-trip), so
/// that Orleans needs no serializer of its own for them and a job's parameters stay the JSON they were.
/// </summary>
internal static class ClusterJson
{
    public static JsonSerializerOptions Options => JsonSerializerOptions.Web;

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new InvalidOperationException($"A grain answered null for a {typeof(T).Name}.");
}

/// <summary>The answer of <see cref="IJobGrain.StartAsync"/>: the job, or why it did not start.</summary>
internal sealed record StartAnswer(JobSnapshot? Job, StartRefusal? Refusal);

/// <summary>A <see cref="JobStartException"/>, as data.</summary>
internal sealed record StartRefusal(string Message, string? Kind, JobStartFailure Failure, IReadOnlyList<StartRefusalError> Errors)
{
    public static StartRefusal From(JobStartException exception) =>
        new(exception.Message, exception.Kind, exception.Failure, exception.Errors.Select(e => new StartRefusalError(e.Member, e.Message)).ToArray());

    public JobStartException ToException() =>
        new(Message, Errors.Select(e => new JobStartError(e.Member, e.Message))) { Kind = Kind, Failure = Failure };
}

internal sealed record StartRefusalError(string? Member, string Message);

/// <summary>A <see cref="JobCommandResult"/>, as data.</summary>
internal sealed record CommandAnswer(JobCommandStatus Status, string JobId, JobSnapshot? Job, string Message)
{
    public static CommandAnswer From(JobCommandResult result) => new(result.Status, result.JobId, result.Job, result.Message);

    public JobCommandResult ToResult() => Status switch
    {
        JobCommandStatus.NotFound => JobCommandResult.NotFound(JobId),
        JobCommandStatus.Applied => JobCommandResult.Applied(Job!, Message),
        JobCommandStatus.Unchanged => JobCommandResult.Unchanged(Job!, Message),
        _ => JobCommandResult.InvalidTransition(Job!, Message),
    };
}

/// <summary>A <see cref="JobReplay"/>, as data.</summary>
internal sealed record ReplayAnswer(JobSnapshotEvent Snapshot, IReadOnlyList<JobEvent> Events, bool FromStore)
{
    public static ReplayAnswer From(JobReplay replay) => new(replay.Snapshot, replay.Events, replay.FromStore);

    public JobReplay ToReplay() => new() { Snapshot = Snapshot, Events = Events, FromStore = FromStore };
}
