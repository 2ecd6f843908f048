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
        var source = new PauseTokenSource(_ => waiting.Release(), CancellationToken.None);
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
        var source = new PauseTokenSource(_ => reachedCheck.TrySetResult(), CancellationToken.None);
        source.Pause();
        var resuming = 0;
        var resumerThread = 0;
        var ranInsideResume = false;
        var waiter = Task.Run(async () =>
        {
            await source.Token.WaitIfPausedAsync(CancellationToken.None);

            // Inline would mean: on the resumer's thread, while Resume() has not returned yet.
            ranInsideResume = Volatile.Read(ref resuming) == 1 && Environment.CurrentManagedThreadId == Volatile.Read(ref resumerThread);
        });
        await reachedCheck.Task.OrTimeout();
        await Task.Delay(20);

        Volatile.Write(ref resumerThread, Environment.CurrentManagedThreadId);
        Volatile.Write(ref resuming, 1);
        source.Resume();
        Volatile.Write(ref resuming, 0);
        await waiter.OrTimeout();

        ranInsideResume.Should().BeFalse("Resume() returns before the body runs, whatever the body does next");
    }

    [Fact]
    public async Task ThousandsOfTogglesFromSeveralThreads_NeverLoseAWakeUp_OrDeadlock()
    {
        const int waiters = 4;
        var iterations = new long[waiters];
        var parkedAfter = new long[waiters];
        var waiterId = new AsyncLocal<int>();

        // The hook runs on the waiter's own flow, just before it waits: it records how far that waiter had got.
        var source = new PauseTokenSource(_ => Volatile.Write(ref parkedAfter[waiterId.Value], Interlocked.Read(ref iterations[waiterId.Value])), CancellationToken.None);
        using var stop = new CancellationTokenSource();

        // Waiters check the token in a loop, as job bodies do.
        var loops = Enumerable.Range(0, waiters).Select(w => Task.Run(async () =>
        {
            waiterId.Value = w;
            while (!stop.IsCancellationRequested)
            {
                await source.Token.WaitIfPausedAsync(CancellationToken.None);
                if (Interlocked.Increment(ref iterations[w]) % 64 == 0)
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

        // Paused at rest, every waiter reaches its check and parks there.
        source.Pause();
        long[] Read(long[] values) => Enumerable.Range(0, waiters).Select(w => Interlocked.Read(ref values[w])).ToArray();
        await Wait.UntilAsync(() => Read(parkedAfter).SequenceEqual(Read(iterations)), "every waiter is parked at its check");

        // Once more after a pause: a waiter that recorded itself at a gate the last toggle opened has moved on by then.
        await Task.Delay(50);
        await Wait.UntilAsync(() => Read(parkedAfter).SequenceEqual(Read(iterations)), "every waiter is parked at the final gate");
        var parked = Read(iterations);
        await Task.Delay(200);
        Read(iterations).Should().Equal(parked, "no waiter runs while the source is paused");

        // One resume wakes them all: none is stuck on a gate that nobody will open.
        await stop.CancelAsync();
        source.Resume();
        await Task.WhenAll(loops).OrTimeout();
        iterations.Should().OnlyContain(i => i > 0);
    }

    [Fact]
    public async Task WaitsThatTimeOutWhileTogglesRace_NeverReleaseAnotherWait()
    {
        var source = new PauseTokenSource();
        using var stop = new CancellationTokenSource();
        var cancelled = 0L;

        // Waiters use short-lived tokens, so their waiter objects are cancelled, left in gates and reused constantly.
        var loops = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(0, 3)));
                try
                {
                    await source.Token.WaitIfPausedAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                }
            }
        })).ToArray();
        var toggler = Task.Run(async () =>
        {
            // At least 2,000 cycles, and on until plenty of waits were cancelled while paused (the machine may be slow).
            var deadline = DateTime.UtcNow.AddSeconds(15);
            for (var i = 0; i < 2_000 || (Interlocked.Read(ref cancelled) < 200 && DateTime.UtcNow < deadline); i++)
            {
                source.Pause();
                if (i % 4 == 0)
                {
                    await Task.Delay(2);
                }
                else
                {
                    await Task.Yield();
                }

                source.Resume();
            }
        });
        await toggler.OrTimeout();
        await stop.CancelAsync();
        await Task.WhenAll(loops).OrTimeout();

        // Now paused at rest: a wait without a token must wait, however its waiter object was used before.
        source.Pause();
        var waits = Enumerable.Range(0, 4).Select(_ => Task.Run(async () => await source.Token.WaitIfPausedAsync(CancellationToken.None))).ToArray();
        await Task.Delay(200);
        waits.Should().OnlyContain(t => !t.IsCompleted, "nothing may release a wait while the source stays paused");
        source.Resume();
        await Task.WhenAll(waits).OrTimeout();
        Interlocked.Read(ref cancelled).Should().BeGreaterThan(0, "the cancellation path was exercised");
    }

    [Fact]
    public async Task AJobsSource_WakesAPausedWait_WhenTheJobIsCancelled_WhateverTokenTheWaitWasGiven()
    {
        using var job = new CancellationTokenSource();
        var source = new PauseTokenSource(_ => { }, job.Token);
        source.Pause();

        var wait = source.Token.WaitIfPausedAsync().AsTask();
        await Task.Delay(20);
        wait.IsCompleted.Should().BeFalse();
        await job.CancelAsync();

        var awaiting = async () => await wait.OrTimeout();
        await awaiting.Should().ThrowAsync<OperationCanceledException>();
    }
}
