namespace Ingestion.Core;

/// <summary>
/// The names under which the library reports telemetry, for <c>AddMeter</c> / <c>AddSource</c> in OpenTelemetry
/// (no extra package needed: it uses <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/>).
/// </summary>
public static class IngestionDiagnostics
{
    /// <summary>
    /// The meter's name. Instruments: <c>ingestion.jobs</c> (live jobs by <c>ingestion.job.state</c>),
    /// <c>ingestion.jobs.finished</c> (by state), <c>ingestion.items.processed</c>, <c>ingestion.sink.dropped</c> and
    /// <c>ingestion.sink.failures</c> (by <c>ingestion.sink</c>), <c>ingestion.store.failures</c>.
    /// </summary>
    public const string MeterName = "Ingestion.Core";

    /// <summary>The activity source's name. One activity, <c>ingestion.job</c>, per run of a job body.</summary>
    public const string ActivitySourceName = "Ingestion.Core";
}
