namespace Ingestion.HuggingFace;

/// <summary>
/// The host's settings for HuggingFace ingestion jobs: the Hub client, the ARC tasks predictions are checked against,
/// and where jobs may read from. Set with <c>.AddHuggingFaceIngestion(o => …)</c>.
/// </summary>
public sealed class HuggingFaceIngestionOptions
{
    /// <summary>Gets the Hub client's settings: endpoint, token (else <c>HF_TOKEN</c>), retries, timeouts, download cache.</summary>
    public HuggingFaceHubOptions Hub { get; } = new();

    /// <summary>Gets the task library; add the puzzle sets with <see cref="ArcTaskLibrary.AddArcAgi1"/>, <see cref="ArcTaskLibrary.AddArcAgi2"/> or <see cref="ArcTaskLibrary.Add(string, string)"/>.</summary>
    public ArcTaskLibrary Tasks { get; } = new();

    /// <summary>
    /// Gets Hub URLs a job's <see cref="HuggingFaceIngestionParameters.HubUrl"/> may name besides
    /// <see cref="HuggingFaceHubOptions.Endpoint"/>. The token is sent to whichever of them a job reads from, so list
    /// only hosts you trust with it. Empty by default.
    /// </summary>
    public IList<string> AllowedHubUrls { get; } = [];

    /// <summary>
    /// Gets the directories under which a job's <see cref="HuggingFaceIngestionParameters.LocalPath"/> may be. Empty by
    /// default: jobs then cannot read local directories, so an HTTP caller cannot make the host read arbitrary files.
    /// </summary>
    public IList<string> LocalDatasetRoots { get; } = [];

    /// <summary>
    /// Gets or sets how often the checkpoint is also saved to the job store (it is committed with the records on every
    /// puzzle either way). Default: 1 second.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);
}
