namespace Ingestion.HuggingFace;

/// <summary>What a <see cref="HubNotFoundException"/> did not find.</summary>
public enum HubNotFoundKind
{
    /// <summary>The file or folder is not in the repository at that revision (<c>X-Error-Code: EntryNotFound</c>).</summary>
    EntryNotFound,

    /// <summary>The repository does not exist, or the token cannot see it (<c>RepoNotFound</c>, or a 404 without a code).</summary>
    RepositoryNotFound,

    /// <summary>The revision (branch, tag or commit) does not exist in the repository (<c>RevisionNotFound</c>).</summary>
    RevisionNotFound,
}
