namespace Ingestion.HuggingFace;

/// <summary>A task file that <see cref="SubmissionConverter"/> could not read, and so left out of the output.</summary>
/// <param name="TaskId">The task id (the file's name without <c>.json</c>).</param>
/// <param name="Error">Why the file does not read.</param>
public sealed record SubmissionConversionFailure(string TaskId, string Error);
