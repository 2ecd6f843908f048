namespace Ingestion.HuggingFace;

/// <summary>How to ask: from which byte (0 = all), with which cached etag (Hub hops only), and whether JSON is expected.</summary>
internal readonly record struct HubRequest(long RangeFrom = 0, string? IfNoneMatch = null, bool Json = false);
