namespace Ingestion.Core;

/// <summary>How one sink is keeping up, from <see cref="JobManager.GetSinkStatistics"/>.</summary>
public sealed class SinkStatistics
{
    /// <summary>Gets the sink's name (its type name).</summary>
    public required string Name { get; init; }

    /// <summary>Gets how many events the sink accepted.</summary>
    public required long Delivered { get; init; }

    /// <summary>Gets how many events the sink threw on.</summary>
    public required long Failed { get; init; }

    /// <summary>Gets how many log lines were dropped because the sink fell behind (reported to it as gaps).</summary>
    public required long Dropped { get; init; }

    /// <summary>Gets how many progress events were replaced by a newer one before the sink got to them.</summary>
    public required long Coalesced { get; init; }

    /// <summary>Gets how many events are waiting for the sink.</summary>
    public required int Queued { get; init; }
}
