using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ingestion.Core;

/// <summary>The library's instruments. Nothing here is on a job body's hot path: item counts are observed, not added.</summary>
internal sealed class IngestionMetrics : IDisposable
{
    public static readonly ActivitySource ActivitySource = new(IngestionDiagnostics.ActivitySourceName);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _sinkDropped;
    private readonly Counter<long> _sinkFailures;
    private readonly Counter<long> _storeFailures;

    public IngestionMetrics(IMeterFactory? meterFactory, Func<IEnumerable<Measurement<long>>> liveJobsByState, Func<long> itemsProcessed)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(IngestionDiagnostics.MeterName) ?? new Meter(IngestionDiagnostics.MeterName);
        _meter.CreateObservableUpDownCounter("ingestion.jobs", liveJobsByState, "{job}", "Live jobs, by state.");
        _meter.CreateObservableCounter("ingestion.items.processed", itemsProcessed, "{item}", "Items processed by job bodies.");
        _finished = _meter.CreateCounter<long>("ingestion.jobs.finished", "{job}", "Jobs that reached a final or interrupted state, by state.");
        _sinkDropped = _meter.CreateCounter<long>("ingestion.sink.dropped", "{event}", "Log events dropped because a sink fell behind.");
        _sinkFailures = _meter.CreateCounter<long>("ingestion.sink.failures", "{event}", "Events a sink threw on.");
        _storeFailures = _meter.CreateCounter<long>("ingestion.store.failures", "{operation}", "Job store writes that failed.");
    }

    public static KeyValuePair<string, object?> StateTag(JobState state) => new("ingestion.job.state", StateNames[(int)state]);

    public void JobFinished(JobState state) => _finished.Add(1, StateTag(state));

    public void SinkDropped(string sink, long events) => _sinkDropped.Add(events, new KeyValuePair<string, object?>("ingestion.sink", sink));

    public void SinkFailed(string sink) => _sinkFailures.Add(1, new KeyValuePair<string, object?>("ingestion.sink", sink));

    public void StoreFailed() => _storeFailures.Add(1);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static readonly string[] StateNames = Enum.GetNames<JobState>().Select(static n => n.ToLowerInvariant()).ToArray();
}
