using Ingestion.Core;

namespace Ingestion.HuggingFace;

/// <summary>What the pipeline gets from whoever runs it: the job manager (through <see cref="JobContext"/>), or a bare loop.</summary>
internal sealed class PipelineControl
{
    public PauseToken Pause { get; init; }

    public required ProgressReporter Progress { get; init; }

    /// <summary>The job id that checkpoints are saved under; <see langword="null"/> for a run without checkpoints.</summary>
    public string? JobId { get; init; }

    /// <summary>The checkpoint the job manager has (the repository's own is preferred).</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Saves a checkpoint with the job manager's store; <see langword="null"/> when there is none.</summary>
    public Func<string, ValueTask>? SaveCheckpoint { get; init; }

    /// <summary>Sets a named result of the run; <see langword="null"/> when there is nowhere to put it.</summary>
    public Action<string, double>? SetResult { get; init; }

    public static PipelineControl From(JobContext context) => new()
    {
        Pause = context.PauseToken,
        Progress = context.Progress,
        JobId = context.JobId,
        Checkpoint = context.Checkpoint,
        SaveCheckpoint = context.SaveCheckpointAsync,
        SetResult = context.SetResult,
    };
}
