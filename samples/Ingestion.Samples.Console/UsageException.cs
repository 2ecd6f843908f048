namespace Ingestion.Samples.Console;

/// <summary>Options that parse but make no sense together: printed as "error: …", exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The store cannot be opened at start-up: said in one line, exit code 1.</summary>
internal sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
