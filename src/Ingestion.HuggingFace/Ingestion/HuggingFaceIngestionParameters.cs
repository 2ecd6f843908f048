using System.ComponentModel.DataAnnotations;

namespace Ingestion.HuggingFace;

/// <summary>
/// The parameters of a HuggingFace ingestion job (kind <see cref="HuggingFaceIngestionJob.Kind"/>), as the JSON body of
/// <c>start-ingestion</c> gives them (camelCase). Every problem is reported at once. The Hub token is not a parameter:
/// it comes from <see cref="HuggingFaceHubOptions.Token"/> or <c>HF_TOKEN</c>, so it is never stored with the job.
/// </summary>
public sealed class HuggingFaceIngestionParameters : IValidatableObject
{
    /// <summary>The most downloads a job may run at once.</summary>
    public const int MaxConcurrency = 32;

    /// <summary>
    /// Gets or sets the Hub to read from; <see langword="null"/> for the configured <see cref="HuggingFaceHubOptions.Endpoint"/>.
    /// Must be that endpoint or one of <see cref="HuggingFaceIngestionOptions.AllowedHubUrls"/>, so a caller cannot send the
    /// token elsewhere. Leave it null and set <see cref="LocalPath"/> to read a local copy instead.
    /// </summary>
    public string? HubUrl { get; set; }

    /// <summary>
    /// Gets or sets a local directory with the dataset's layout (<c>{modelFolder}/{taskId}.json</c>, or
    /// <c>*.jsonl</c> / <c>*.parquet</c> files in the model folder) to read instead of the Hub: a clone or a download.
    /// Must be under one of <see cref="HuggingFaceIngestionOptions.LocalDatasetRoots"/>.
    /// </summary>
    public string? LocalPath { get; set; }

    /// <summary>Gets or sets the dataset repository, e.g. <c>arcprize/arc_agi_v1_public_eval</c>. Required; with a local path it names the data in the records.</summary>
    public string Dataset { get; set; } = "";

    /// <summary>Gets or sets the revision (branch, tag or commit). Default: <c>main</c>.</summary>
    public string Revision { get; set; } = "main";

    /// <summary>Gets or sets the model folder to ingest, e.g. <c>claude-opus-4-5-20251101-thinking-16k</c>. Required.</summary>
    public string ModelFolder { get; set; } = "";

    /// <summary>
    /// Gets or sets the task set the predictions are checked against (e.g. <c>ARC1-Eval</c>); <see langword="null"/> to
    /// detect it from the dataset name (<see cref="ArcTaskLibrary.DetectSource"/>).
    /// </summary>
    public string? Source { get; set; }

    /// <summary>Gets or sets the most puzzles to ingest, in task-id order; <see langword="null"/> for all.</summary>
    public int? Limit { get; set; }

    /// <summary>Gets or sets a pause before each file is fetched (a Hub request, or a local read), in milliseconds, to be gentle with the Hub. Default: 0.</summary>
    public int DelayMs { get; set; }

    /// <summary>Gets or sets how many puzzle files are downloaded at once. Default: 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Gets or sets whether to read and validate everything but write nothing. Default: false.</summary>
    public bool DryRun { get; set; }

    /// <summary>
    /// Gets or sets whether attempts that are already in the repository are left as they are (counted as skipped).
    /// Default: true. <see cref="ForceOverwrite"/> wins over it; with neither, an attempt that exists fails its puzzle.
    /// </summary>
    public bool SkipDuplicates { get; set; } = true;

    /// <summary>Gets or sets whether attempts that are already in the repository are replaced (whatever <see cref="SkipDuplicates"/> says). Default: false.</summary>
    public bool ForceOverwrite { get; set; }

    /// <summary>Gets or sets whether the first failed puzzle fails the job. Default: false (it is counted and the job goes on).</summary>
    public bool StopOnError { get; set; }

    /// <summary>Gets or sets whether each attempt's result is logged too, not just each puzzle's. Default: false.</summary>
    public bool Verbose { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Dataset))
        {
            yield return new ValidationResult("The dataset is required (e.g. arcprize/arc_agi_v1_public_eval).", [nameof(Dataset)]);
        }
        else if (Dataset.Contains("..", StringComparison.Ordinal) || Dataset.StartsWith('/') || Dataset.Contains('\\', StringComparison.Ordinal))
        {
            yield return new ValidationResult($"'{Dataset}' is not a dataset repository id (owner/name).", [nameof(Dataset)]);
        }

        if (string.IsNullOrWhiteSpace(ModelFolder))
        {
            yield return new ValidationResult("The model folder is required.", [nameof(ModelFolder)]);
        }
        else if (ModelFolder.Contains('/', StringComparison.Ordinal) || ModelFolder.Contains('\\', StringComparison.Ordinal) || ModelFolder is "." or "..")
        {
            yield return new ValidationResult($"'{ModelFolder}' is not a folder name (no slashes).", [nameof(ModelFolder)]);
        }

        if (string.IsNullOrWhiteSpace(Revision))
        {
            yield return new ValidationResult("The revision must not be empty.", [nameof(Revision)]);
        }

        if (HubUrl is not null && LocalPath is not null)
        {
            yield return new ValidationResult("Give a hub URL or a local path, not both.", [nameof(HubUrl), nameof(LocalPath)]);
        }

        Uri? hub = null;
        if (HubUrl is not null && (!Uri.TryCreate(HubUrl, UriKind.Absolute, out hub) || hub.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult("The hub URL is not an http(s) URL.", [nameof(HubUrl)]);
        }
        else if (hub is not null && (hub.UserInfo.Length > 0 || hub.Query.Length > 0 || hub.Fragment.Length > 0))
        {
            yield return new ValidationResult("The hub URL must not carry credentials, a query or a fragment.", [nameof(HubUrl)]);
        }

        if (LocalPath is not null && string.IsNullOrWhiteSpace(LocalPath))
        {
            yield return new ValidationResult("The local path must not be empty.", [nameof(LocalPath)]);
        }

        if (Limit is <= 0)
        {
            yield return new ValidationResult("The limit must be at least 1 (or left out for all puzzles).", [nameof(Limit)]);
        }

        if (DelayMs is < 0 or > 600_000)
        {
            yield return new ValidationResult("The delay must be between 0 and 600000 ms.", [nameof(DelayMs)]);
        }

        if (Concurrency is < 1 or > MaxConcurrency)
        {
            yield return new ValidationResult($"The concurrency must be between 1 and {MaxConcurrency}.", [nameof(Concurrency)]);
        }
    }
}
