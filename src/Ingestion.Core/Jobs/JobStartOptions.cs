namespace Ingestion.Core;

/// <summary>Optional settings for one job start.</summary>
public sealed class JobStartOptions
{
    /// <summary>Gets or sets a display name for the job (shown by sinks and in the history). Default: none.</summary>
    public string? Name { get; set; }
}
