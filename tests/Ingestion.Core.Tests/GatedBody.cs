namespace Ingestion.Core.Tests;

/// <summary>
/// A job body whose items the test lets through one at a time, so it knows exactly how many were processed and where
/// the body is: inside an item (blocked on the gate) or at a pause check.
/// </summary>
internal sealed class GatedBody
{
    private readonly SemaphoreSlim _gate = new(0);
    private readonly int _items;
    private int _processed;
    private int _started;

    public GatedBody(int items) => _items = items;

    /// <summary>Items fully processed.</summary>
    public int Processed => Volatile.Read(ref _processed);

    /// <summary>Items the body has entered (it waits inside the item until released).</summary>
    public int Started => Volatile.Read(ref _started);

    public void Release(int items = 1) => _gate.Release(items);

    public JobBody Body => RunAsync;

    public Task WaitUntilStartedAsync(int items) => Wait.UntilAsync(() => Started >= items, $"the body entered item {items}");

    public Task WaitUntilProcessedAsync(int items) => Wait.UntilAsync(() => Processed >= items, $"the body processed {items} items");

    private async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        context.Progress.SetTotal(_items);
        for (var i = 0; i < _items; i++)
        {
            await context.WaitIfPausedAsync();

            // Progress first, then the test's own counters: a test that waits on these sees the progress too.
            context.Progress.SetCurrentItem($"item-{i}");
            Interlocked.Increment(ref _started);

            // Inside an item the body does not look at the token: like real work, it stops at its next check.
            await _gate.WaitAsync(CancellationToken.None);
            context.Progress.IncrementSucceeded();
            Interlocked.Increment(ref _processed);
        }
    }
}
