using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.VisualStudio.Threading;

namespace Ingestion.Benchmarks;

/// <summary>
/// The cost of the per-item pause check while NOT paused: every benchmark runs <see cref="N"/> checks in one loop per
/// invocation (<c>OperationsPerInvoke = N</c>), so the reported time is per check.
/// </summary>
/// <remarks>
/// Two groups, each with its own baseline. <c>Await</c>: the awaited checks, against awaiting an already-completed
/// <see cref="Task"/> N times. <c>SyncRead</c>: the synchronous "is it paused?" reads, against
/// <see cref="CancellationToken.IsCancellationRequested"/>, all in the same loop shape (count the reads that returned
/// <see langword="true"/> and return the count, so the reads cannot be eliminated). Every check reads its state from a
/// field of this class on each iteration; cancellation tokens come from a live, never-cancelled
/// <see cref="CancellationTokenSource"/>, so they can be cancelled and no overload can take a "can never cancel" shortcut.
/// </remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class PauseCheckBenchmarks
{
    /// <summary>Checks per invocation.</summary>
    public const int N = 1000;

    private const string Await = "Await";
    private const string SyncRead = "SyncRead";

    private static readonly Task Completed = Task.CompletedTask;

    // The same task read from an instance field each time, as every other check here reads its state.
    private Task _completedField = Task.CompletedTask;

    private CancellationTokenSource _cancellationSource = null!;
    private CancellationToken _cancellationToken;
    private Ingestion.Core.PauseToken _ours;
    private Nito.AsyncEx.PauseToken _nito;
    private AsyncManualResetEvent _vsEvent = null!;
    private SemaphoreSlim _semaphore = null!;
    private ToubPauseToken _toub;
    private int _plainField;

    [GlobalSetup]
    public void Setup()
    {
        _cancellationSource = new CancellationTokenSource();
        _cancellationToken = _cancellationSource.Token;
        _ours = new Ingestion.Core.PauseTokenSource().Token;
        _nito = new Nito.AsyncEx.PauseTokenSource().Token;
        _vsEvent = new AsyncManualResetEvent(initialState: true); // set = not paused
        _semaphore = new SemaphoreSlim(1, 1);
        _toub = new ToubPauseTokenSource().Token;
        _plainField = 0;

        if (!_cancellationToken.CanBeCanceled || _ours.IsPaused || _nito.IsPaused || !_vsEvent.IsSet || _toub.IsPaused)
        {
            throw new InvalidOperationException("The pause-check benchmarks need a cancellable token and nothing paused.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cancellationSource.Dispose();
        _semaphore.Dispose();
    }

    // ---- Await: awaited checks, baseline = await of an already-completed Task ----

    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    [BenchmarkCategory(Await)]
    public async Task Await_CompletedTask()
    {
        for (var i = 0; i < N; i++)
        {
            await Completed;
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Await)]
    public async Task Await_CompletedTask_FromField()
    {
        for (var i = 0; i < N; i++)
        {
            await _completedField;
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Await)]
    public async Task Ours_WaitIfPausedAsync_ct()
    {
        for (var i = 0; i < N; i++)
        {
            await _ours.WaitIfPausedAsync(_cancellationToken);
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Await)]
    public async Task Ours_WaitIfPausedAsync()
    {
        for (var i = 0; i < N; i++)
        {
            await _ours.WaitIfPausedAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Await)]
    public async Task Nito_WaitWhilePausedAsync_ct()
    {
        for (var i = 0; i < N; i++)
        {
            await _nito.WaitWhilePausedAsync(_cancellationToken);
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Await)]
    public async Task VsThreading_AsyncManualResetEvent_WaitAsync_ct()
    {
        for (var i = 0; i < N; i++)
        {
            await _vsEvent.WaitAsync(_cancellationToken);
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Await)]
    public async Task SemaphoreSlim_WaitAsync_ct_Release()
    {
        for (var i = 0; i < N; i++)
        {
            await _semaphore.WaitAsync(_cancellationToken);
            _semaphore.Release();
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Await)]
    public async Task Toub_WaitWhilePausedAsync()
    {
        for (var i = 0; i < N; i++)
        {
            await _toub.WaitWhilePausedAsync();
        }
    }

    // ---- SyncRead: synchronous reads, baseline = CancellationToken.IsCancellationRequested ----

    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    [BenchmarkCategory(SyncRead)]
    public int CancellationToken_IsCancellationRequested()
    {
        var count = 0;
        for (var i = 0; i < N; i++)
        {
            if (_cancellationToken.IsCancellationRequested)
            {
                count++;
            }
        }

        return count;
    }

    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(SyncRead)]
    public int Ours_IsPaused()
    {
        var count = 0;
        for (var i = 0; i < N; i++)
        {
            if (_ours.IsPaused)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The loop alone: one volatile read of an int field per iteration and nothing else.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(SyncRead)]
    public int BareLoop_VolatileRead()
    {
        var count = 0;
        for (var i = 0; i < N; i++)
        {
            if (Volatile.Read(ref _plainField) != 0)
            {
                count++;
            }
        }

        return count;
    }
}
