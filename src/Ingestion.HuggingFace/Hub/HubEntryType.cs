namespace Ingestion.HuggingFace;

/// <summary>The kind of a <see cref="HubTreeEntry"/>.</summary>
public enum HubEntryType
{
    /// <summary>A type this client does not know (the Hub's <c>"unknown"</c>, or a newer one).</summary>
    Unknown,

    /// <summary>A file (<c>"file"</c>).</summary>
    File,

    /// <summary>A folder (<c>"directory"</c>).</summary>
    Directory,
}
