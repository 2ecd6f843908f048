namespace Ingestion.HuggingFace;

/// <summary>A model's submission for one ARC task: every attempt at every test pair that the file holds.</summary>
/// <param name="TaskId">The task id.</param>
/// <param name="Attempts">The attempts, in the order read; null attempts (<c>"attempt_2": null</c>) are left out.</param>
public sealed record TaskSubmission(string TaskId, IReadOnlyList<SubmissionAttempt> Attempts);
