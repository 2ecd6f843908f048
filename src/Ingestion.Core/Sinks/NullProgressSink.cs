namespace Ingestion.Core;

/// <summary>A sink that ignores every event.</summary>
public sealed class NullProgressSink : IProgressSink
{
    private NullProgressSink()
    {
    }

    /// <summary>Gets the one instance.</summary>
    public static NullProgressSink Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken) => default;
}
