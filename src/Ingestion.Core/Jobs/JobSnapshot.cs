using System.Text.Json;

namespace Ingestion.Core;

/// <summary>
/// Everything known about a job at one moment. This is what the job manager returns, what the store persists and
/// what a subscriber receives first.
/// </summary>
public sealed class JobSnapshot
{
    private static readonly IReadOnlyDictionary<string, double> NoResults = new Dictionary<string, double>(StringComparer.Ordinal);
    private readonly JsonElement _parameters = IngestionJson.EmptyObject;

    /// <summary>Gets the job's id: 32 lowercase hex digits from a cryptographic random source.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the job's kind: the name it was registered under, or <see cref="JobRegistration.DelegateKind"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the display name given at start, if any.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the job's state.</summary>
    public required JobState State { get; init; }

    /// <summary>Gets the parameters the job was started with: a JSON object, empty when it took none (never an undefined element).</summary>
    public JsonElement Parameters
    {
        get => _parameters;
        init => _parameters = IngestionJson.Normalize(value);
    }

    /// <summary>Gets the job's progress.</summary>
    public JobProgress Progress { get; init; } = JobProgress.Empty;

    /// <summary>Gets when the job was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the body first started, if it has.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the job reached a final or interrupted state, if it has.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets whether cancellation was requested and the body has not stopped yet.</summary>
    public bool IsCancellationRequested { get; init; }

    /// <summary>Gets the error of a failed job.</summary>
    public JobError? Error { get; init; }

    /// <summary>Gets the last checkpoint the body saved, handed to the body again when the job is resumed after an interruption.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Gets the named results the body set (e.g. accuracy, tokens, cost): the job's summary figures.</summary>
    public IReadOnlyDictionary<string, double> Results { get; init; } = NoResults;

    /// <summary>Gets how many times the body was started: 1, plus one for each resume after an interruption.</summary>
    public int RunCount { get; init; }

    /// <summary>Gets the sequence number of the last event the job published; this snapshot reflects every event up to it.</summary>
    public long LastSeq { get; init; }

    /// <summary>A copy in another state, with its finish time (recovery marks a dead host's jobs interrupted this way).</summary>
    internal JobSnapshot WithState(JobState state, DateTimeOffset? finishedAt) => new()
    {
        Id = Id,
        Kind = Kind,
        Name = Name,
        State = state,
        Parameters = Parameters,
        Progress = Progress,
        CreatedAt = CreatedAt,
        StartedAt = StartedAt,
        FinishedAt = finishedAt,
        IsCancellationRequested = false,
        Error = Error,
        Checkpoint = Checkpoint,
        Results = Results,
        RunCount = RunCount,
        LastSeq = LastSeq,
    };
}
