namespace Ingestion.HuggingFace;

/// <summary>Tells the errors that end a job (no access, no repository, cancellation) from those that fail one puzzle.</summary>
internal static class SourceErrors
{
    public static bool IsFatal(Exception exception, CancellationToken cancellationToken)
        => exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => true,
            HubAuthenticationException => true,
            HubNotFoundException notFound => notFound.Kind != HubNotFoundKind.EntryNotFound,
            ObjectDisposedException => true,
            OutOfMemoryException => true,
            _ => false,
        };

    public static string Describe(Exception exception) => exception switch
    {
        SubmissionFormatException => exception.Message,
        HuggingFaceHubException => "the Hub: " + exception.Message,
        OperationCanceledException => "the download timed out.",
        _ => exception.Message,
    };
}

/// <summary>A puzzle failed and the job was asked to stop on the first failure.</summary>
internal sealed class PuzzleFailedException(string puzzleId, string reason)
    : Exception($"Stopped on error: {puzzleId} — {reason}");
