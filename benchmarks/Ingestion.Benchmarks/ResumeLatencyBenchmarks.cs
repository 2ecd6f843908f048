using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;
using Perfolizer.Mathematics.OutlierDetection;

namespace Ingestion.Benchmarks;

/// <summary>
/// Wake-up latency: from just before the resume call to the first instruction of a suspended body after its await.
/// </summary>
/// <remarks>
/// <para>
/// Each invocation is one pause/resume cycle. <c>[IterationSetup]</c> pauses the primitive and returns once the
/// background body is suspended in its wait ("suspended"), or that and a further 1 ms sleep so the thread pool goes
/// idle ("idle-1ms"). The benchmark method takes a timestamp, resumes, and spins until the body has written its own
/// timestamp, so the measured time is resume + wake-up + signal detection, the same harness for every primitive.
/// After 5 µs the spin also yields the CPU: on a 2-core machine the woken thread is often queued on the spinning
/// thread's CPU, and a pure spin would measure the scheduler's time slice instead of the wake-up.
/// </para>
/// <para>
/// One invocation per iteration, 500 iterations in each of 3 processes (launches), outliers kept (the tail is the
/// point), and no forced GC between iterations: BenchmarkDotNet would otherwise collect between the setup and the
/// measurement, and "suspended" would become "idle". Each process also logs the latency computed from the two
/// timestamps alone (lines starting with <c># resume latency</c>), as a cross-check of the harness overhead.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[ThreadingDiagnoser]
[Config(typeof(Config))]
public class ResumeLatencyBenchmarks
{
    public const int Iterations = 500;
    public const int Launches = 3;

    private LatencyProbe? _probe;

    [Params("suspended", "idle-1ms")]
    public string Scenario { get; set; } = "suspended";

    [GlobalSetup(Target = nameof(Ours_PauseTokenSource))]
    public void StartOurs() => Start(new OursTarget());

    [GlobalSetup(Target = nameof(Nito_PauseTokenSource))]
    public void StartNito() => Start(new NitoTarget());

    [GlobalSetup(Target = nameof(VsThreading_AsyncManualResetEvent))]
    public void StartVsThreading() => Start(new VsThreadingTarget());

    [GlobalSetup(Target = nameof(SemaphoreSlim_WaitRelease))]
    public void StartSemaphoreSlim() => Start(new SemaphoreSlimTarget());

    [GlobalSetup(Target = nameof(Toub_InlineContinuations))]
    public void StartToubInline() => Start(new ToubTarget(runContinuationsAsynchronously: false));

    [GlobalSetup(Target = nameof(Toub_AsyncContinuations))]
    public void StartToubAsync() => Start(new ToubTarget(runContinuationsAsynchronously: true));

    [IterationSetup]
    public void PauseAndPark() => Probe.PauseAndPark(idle: Scenario == "idle-1ms");

    [GlobalCleanup]
    public void Stop()
    {
        if (_probe is null)
        {
            return;
        }

        // A cross-check of BenchmarkDotNet's numbers, from the two timestamps alone (in the benchmark's log).
        Console.WriteLine($"# resume latency from timestamps, {Scenario}: {_probe.DescribeRecorded(Iterations, skipLast: 1)}");
        _probe.Dispose();
        _probe = null;
    }

    [Benchmark]
    public long Ours_PauseTokenSource() => Probe.ResumeAndWaitForWake();

    [Benchmark]
    public long Nito_PauseTokenSource() => Probe.ResumeAndWaitForWake();

    [Benchmark]
    public long VsThreading_AsyncManualResetEvent() => Probe.ResumeAndWaitForWake();

    [Benchmark]
    public long SemaphoreSlim_WaitRelease() => Probe.ResumeAndWaitForWake();

    /// <summary>Toub-style as published: <c>IsPaused = false</c> runs the body's continuation inline, on the resuming thread.</summary>
    [Benchmark]
    public long Toub_InlineContinuations() => Probe.ResumeAndWaitForWake();

    /// <summary>Toub-style with <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>, like the others.</summary>
    [Benchmark]
    public long Toub_AsyncContinuations() => Probe.ResumeAndWaitForWake();

    private LatencyProbe Probe => _probe ?? throw new InvalidOperationException("No GlobalSetup ran for this benchmark.");

    private void Start(ResumeTarget target)
    {
        _probe = new LatencyProbe(target);
        _probe.WarmUp();
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithId("Latency")
                .WithLaunchCount(Launches)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithWarmupCount(20)
                .WithIterationCount(Iterations)
                .WithOutlierMode(OutlierMode.DontRemove)
                .WithGcForce(false));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99), StatisticColumn.Max);
            WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond));
        }
    }
}
