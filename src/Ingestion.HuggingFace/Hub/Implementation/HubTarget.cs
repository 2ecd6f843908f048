namespace Ingestion.HuggingFace;

/// <summary>What a request was about, for error messages: the repository, revision and path (any may be unknown).</summary>
internal readonly record struct HubTarget(string? Repository, string? Revision = null, string? Path = null);
