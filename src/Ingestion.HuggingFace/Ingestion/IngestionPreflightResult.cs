namespace Ingestion.HuggingFace;

/// <summary>
/// What the pre-flight check of an ingestion found (the original system's "validate configuration"): whether the
/// Hub and the dataset are reachable, a token is present, the source set was found, how many puzzles there are, and
/// whether a sample file parses. <see cref="IsValid"/> when <see cref="Errors"/> is empty.
/// </summary>
public sealed class IngestionPreflightResult
{
    /// <summary>Gets whether the job can start: no errors.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Gets where the data would be read from (a Hub dataset URL or a local directory); never with a secret.</summary>
    public string? Location { get; init; }

    /// <summary>Gets whether the Hub answered (always true for a local directory that exists).</summary>
    public bool HubReachable { get; init; }

    /// <summary>Gets whether a Hub token is configured (its value is never shown).</summary>
    public bool TokenPresent { get; init; }

    /// <summary>Gets whether the dataset (repository and revision) was found.</summary>
    public bool DatasetReachable { get; init; }

    /// <summary>Gets the commit the revision points at, when the Hub said.</summary>
    public string? Commit { get; init; }

    /// <summary>Gets whether the repository the records would be written to answered.</summary>
    public bool DatabaseReachable { get; init; }

    /// <summary>Gets the task set the predictions would be checked against.</summary>
    public string? Source { get; init; }

    /// <summary>Gets whether <see cref="Source"/> was detected from the dataset name (rather than given).</summary>
    public bool SourceDetected { get; init; }

    /// <summary>Gets the number of puzzles the job would go through (the task set's, or the limit).</summary>
    public int PuzzleCount { get; init; }

    /// <summary>Gets the number of files in the model folder.</summary>
    public int FileCount { get; init; }

    /// <summary>Gets the format of the model folder: <c>taskFiles</c>, <c>jsonLines</c> or <c>parquet</c>.</summary>
    public string? Format { get; init; }

    /// <summary>Gets the file that was read as a sample.</summary>
    public string? SampleFile { get; init; }

    /// <summary>Gets the number of attempts (test pair × attempt) in the sample.</summary>
    public int? SampleAttempts { get; init; }

    /// <summary>Gets what stops the job from starting, each a sentence.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Gets what may go wrong but does not stop it.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>A model folder of a dataset, with what the repository already holds of it.</summary>
/// <param name="Name">The folder's name.</param>
/// <param name="IngestedAttempts">The number of records of the folder in the repository (all attempt numbers).</param>
/// <param name="IngestedByAttempt">The number of records per attempt number.</param>
public sealed record ModelFolderInfo(string Name, long IngestedAttempts, IReadOnlyDictionary<int, long> IngestedByAttempt);
