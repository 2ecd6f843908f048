namespace Ingestion.Samples.Console;

/// <summary>Options that parse but make no sense together: printed as "error: …", exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
