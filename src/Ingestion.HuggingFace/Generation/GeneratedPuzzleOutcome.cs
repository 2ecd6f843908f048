namespace Ingestion.HuggingFace;

/// <summary>What ingesting a generated model's submission for one puzzle should come to, on a first run.</summary>
public enum GeneratedPuzzleOutcome
{
    /// <summary>The file is well formed and holds at least one attempt (every written file does): the puzzle succeeds.</summary>
    Succeeded = 0,

    /// <summary>The file is malformed (truncated JSON, or not an array of test pairs): the puzzle fails and no attempt counts.</summary>
    Failed = 1,

    /// <summary>The model folder has no file for the puzzle: it is not found when the whole puzzle set is asked for.</summary>
    NotFound = 2,
}
