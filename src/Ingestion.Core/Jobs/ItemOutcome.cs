using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>What became of one item in <see cref="JobContext.ForEachAsync{T}(IAsyncEnumerable{T}, Func{T, CancellationToken, ValueTask{ItemOutcome}}, Func{T, string}?, bool)"/>.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<ItemOutcome>))]
public enum ItemOutcome
{
    /// <summary>Counted as succeeded.</summary>
    Succeeded = 0,

    /// <summary>Counted as failed.</summary>
    Failed = 1,

    /// <summary>Counted as skipped.</summary>
    Skipped = 2,

    /// <summary>Counted as processed only (use a named counter to say what it was, e.g. not found).</summary>
    Processed = 3,
}
