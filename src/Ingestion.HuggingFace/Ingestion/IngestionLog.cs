using Microsoft.Extensions.Logging;

namespace Ingestion.HuggingFace;

internal static partial class IngestionLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Ingesting {Dataset}/{ModelFolder} from {Location}: {Format} files, {Puzzles} puzzles of {Source}{Resumed}")]
    public static partial void Started(ILogger logger, string dataset, string modelFolder, string location, string format, long puzzles, string source, string resumed);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "{PuzzleId} — saved {Saved}/{Attempts} attempts, {Correct}/{Predictions} predictions correct")]
    public static partial void Saved(ILogger logger, string puzzleId, int saved, int attempts, int correct, int predictions);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "{PuzzleId} — skipped: {Attempts}/{Attempts} attempts already ingested")]
    public static partial void Skipped(ILogger logger, string puzzleId, int attempts);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "{PuzzleId} — not found in {ModelFolder}")]
    public static partial void NotFound(ILogger logger, string puzzleId, string modelFolder);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "{PuzzleId} — failed: {Reason}")]
    public static partial void Failed(ILogger logger, string puzzleId, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "{PuzzleId} — {ModelName}: {Correct}/{Pairs} correct{Invalid}{Written}")]
    public static partial void Attempt(ILogger logger, string puzzleId, string modelName, int correct, int pairs, string invalid, string written);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "{PuzzleId} — dry run: would save {Saved}/{Attempts} attempts, {Correct}/{Predictions} predictions correct")]
    public static partial void DryRun(ILogger logger, string puzzleId, int saved, int attempts, int correct, int predictions);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "{Count} puzzles of {Source} have no rows in {ModelFolder}: counted as not found")]
    public static partial void NotFoundTail(ILogger logger, long count, string source, string modelFolder);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Done: {Succeeded} succeeded, {Failed} failed, {Skipped} skipped, {NotFound} not found; {Saved} attempts saved, {Correct}/{Predictions} predictions correct, pass@2 {PassAt2:P1}")]
    public static partial void Finished(ILogger logger, long succeeded, long failed, long skipped, long notFound, long saved, long correct, long predictions, double passAt2);
}
