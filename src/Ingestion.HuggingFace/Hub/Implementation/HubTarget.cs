namespace Ingestion.HuggingFace;

/// <summary>
/// What a request was about, for error messages: the repository, revision and path (any may be unknown), and, for an
/// endpoint whose 404 without an error code means "not there" rather than "no such repository", what is missing.
/// </summary>
internal readonly record struct HubTarget(string? Repository, string? Revision = null, string? Path = null, string? MissingEntry = null);
