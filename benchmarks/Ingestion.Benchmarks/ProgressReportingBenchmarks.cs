using BenchmarkDotNet.Attributes;
using Ingestion.Core;

namespace Ingestion.Benchmarks;

/// <summary>
/// The cost per call of the progress calls a job body makes once per item, <see cref="N"/> calls per invocation
/// (<c>OperationsPerInvoke = N</c>), against a plain field increment (baseline) and an interlocked increment.
/// </summary>
[MemoryDiagnoser]
public class ProgressReportingBenchmarks
{
    /// <summary>Calls per invocation.</summary>
    public const int N = 1000;

    private ProgressReporter _reporter = null!;
    private ProgressCounter _notFound = null!;
    private string _item = null!;
    private long _plain;
    private long _interlocked;

    [GlobalSetup]
    public void Setup()
    {
        // The constructor is internal (the job manager owns reporters); InternalsVisibleTo lets the benchmarks make one.
        _reporter = new ProgressReporter();
        _notFound = _reporter.GetCounter("NotFound");
        _item = "orders/2026/12/03/order-000042.json";
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    public void PlainField_Increment()
    {
        for (var i = 0; i < N; i++)
        {
            _plain++;
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    public void Interlocked_Increment()
    {
        for (var i = 0; i < N; i++)
        {
            Interlocked.Increment(ref _interlocked);
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    public void Reporter_IncrementSucceeded()
    {
        for (var i = 0; i < N; i++)
        {
            _reporter.IncrementSucceeded();
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    public void Reporter_SetCurrentItem()
    {
        for (var i = 0; i < N; i++)
        {
            _reporter.SetCurrentItem(_item);
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    public void Counter_Increment()
    {
        for (var i = 0; i < N; i++)
        {
            _notFound.Increment();
        }
    }
}
