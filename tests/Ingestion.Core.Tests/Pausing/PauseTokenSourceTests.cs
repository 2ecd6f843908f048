namespace Ingestion.Core.Tests.Pausing;

public class PauseTokenSourceTests
{
    [Fact]
    public void PauseAndResume_SayWhetherTheyChangedTheState()
    {
        var source = new PauseTokenSource();

        source.Resume().Should().BeFalse("it was not paused");
        source.Pause().Should().BeTrue();
        source.Pause().Should().BeFalse("it was already paused");
        source.IsPaused.Should().BeTrue();
        source.Resume().Should().BeTrue();
        source.Resume().Should().BeFalse();
        source.IsPaused.Should().BeFalse();
    }

    [Fact]
    public async Task WaitIfPausedAsync_WhilePaused_WaitsUntilResumed()
    {
        var source = new PauseTokenSource();
        source.Pause();

        var wait = source.Token.WaitIfPausedAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        wait.IsCompleted.Should().BeFalse("the source is paused");

        source.Resume();
        await wait.OrTimeout();
    }

    [Fact]
    public async Task WaitIfPausedAsync_WhilePaused_ThrowsAtOnceWhenCancelled()
    {
        var source = new PauseTokenSource();
        source.Pause();
        using var cts = new CancellationTokenSource();

        var wait = source.Token.WaitIfPausedAsync(cts.Token).AsTask();
        await cts.CancelAsync();

        var awaiting = async () => await wait.OrTimeout();
        await awaiting.Should().ThrowAsync<OperationCanceledException>();
        source.IsPaused.Should().BeTrue("cancelling a wait does not resume the source");
    }

    [Fact]
    public async Task WaitIfPausedAsync_WakesEveryWaiter_OnResume()
    {
        var source = new PauseTokenSource();
        source.Pause();

        var waits = Enumerable.Range(0, 50).Select(_ => source.Token.WaitIfPausedAsync(CancellationToken.None).AsTask()).ToArray();
        source.Resume();

        await Task.WhenAll(waits).OrTimeout();
    }

    [Fact]
    public async Task AWaitCancelledWhilePaused_DoesNotDisturbTheNextWait_OnTheSameSource()
    {
        var source = new PauseTokenSource();
        source.Pause();
        using (var cts = new CancellationTokenSource())
        {
            var cancelled = source.Token.WaitIfPausedAsync(cts.Token).AsTask();
            await cts.CancelAsync();
            var awaiting = async () => await cancelled.OrTimeout();
            await awaiting.Should().ThrowAsync<OperationCanceledException>();
        }

        // The waiter object is reused for this wait, on the same (still closed) gate: it must wait again.
        var next = source.Token.WaitIfPausedAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        next.IsCompleted.Should().BeFalse();

        source.Resume();
        await next.OrTimeout();

        // And again, across a new pause.
        source.Pause();
        var third = source.Token.WaitIfPausedAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        third.IsCompleted.Should().BeFalse();
        source.Resume();
        await third.OrTimeout();
    }

    [Fact]
    public async Task PausingAndResumingAWaitingBody_ReusesOneWaiter()
    {
        var waiting = new SemaphoreSlim(0);
        var source = new PauseTokenSource(() => waiting.Release());
        var go = new SemaphoreSlim(0);
        var passed = new SemaphoreSlim(0);
        const int rounds = 200;
        var body = Task.Run(async () =>
        {
            for (var i = 0; i < rounds; i++)
            {
                await go.WaitAsync();
                await source.Token.WaitIfPausedAsync(CancellationToken.None);
                passed.Release();
            }
        });

        // Each round the body reaches its check while paused, waits, and is resumed.
        for (var i = 0; i < rounds; i++)
        {
            source.Pause();
            go.Release();
            await waiting.WaitAsync().OrTimeout();
            source.Resume();
            await passed.WaitAsync().OrTimeout();
        }

        await body.OrTimeout();
        source.WaitersCreated.Should().Be(1, "a body waits at one check at a time, so one waiter serves every pause");
    }

    [Fact]
    public async Task Resume_DoesNotRunTheWaiterInline_OnTheResumingThread()
    {
        var reachedCheck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new PauseTokenSource(() => reachedCheck.TrySetResult());
        source.Pause();
        var continuationThread = 0;
        var waiter = Task.Run(async () =>
        {
            await source.Token.WaitIfPausedAsync(CancellationToken.None);
            Volatile.Write(ref continuationThread, Environment.CurrentManagedThreadId);
        });
        await reachedCheck.Task.OrTimeout();
        await Task.Delay(20);

        source.Resume();
        var ranInline = Volatile.Read(ref continuationThread) != 0;
        await waiter.OrTimeout();

        ranInline.Should().BeFalse("Resume() returns before the body runs, whatever the body does next");
        continuationThread.Should().NotBe(0);
    }

    [Fact]
    public async Task ThousandsOfTogglesFromSeveralThreads_NeverLoseAWakeUp_OrDeadlock()
    {
        var source = new PauseTokenSource();
        using var stop = new CancellationTokenSource();
        var iterations = new long[4];

        // Waiters check the token in a loop, as job bodies do.
        var waiters = Enumerable.Range(0, iterations.Length).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await source.Token.WaitIfPausedAsync(CancellationToken.None);
                Interlocked.Increment(ref iterations[w]);
                if (Interlocked.Read(ref iterations[w]) % 64 == 0)
                {
                    await Task.Yield();
                }
            }
        })).ToArray();

        // Togglers pause and resume as fast as they can, racing each other and the waiters.
        var togglers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                if ((i + t) % 2 == 0)
                {
                    source.Pause();
                }
                else
                {
                    source.Resume();
                }
            }
        })).ToArray();
        await Task.WhenAll(togglers).OrTimeout();

        // Paused at rest, every waiter ends up parked: their counts stop moving.
        source.Pause();
        await Task.Delay(100);
        long[] Read() => Enumerable.Range(0, iterations.Length).Select(w => Interlocked.Read(ref iterations[w])).ToArray();
        var parked = Read();
        await Task.Delay(200);
        Read().Should().Equal(parked, "no waiter runs while the source is paused");

        // One resume wakes them all: none is stuck on a gate that nobody will open.
        await stop.CancelAsync();
        source.Resume();
        await Task.WhenAll(waiters).OrTimeout();
        iterations.Should().OnlyContain(i => i > 0);
    }
}
