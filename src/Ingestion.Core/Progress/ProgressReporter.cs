using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Ingestion.Core;

/// <summary>
/// Where a job body reports its progress: outcome counters, named extra counters, the current item and a message.
/// </summary>
/// <remarks>
/// Every call only updates a field (an interlocked add for counters, a reference write for text); nothing is
/// allocated, no lock is taken and no sink is called. The job manager samples these values at
/// <see cref="IngestionOptions.ProgressInterval"/> and publishes a progress event when they changed, so a body can
/// report once per item at millions of items a second. All members are safe to call from several threads at once.
/// </remarks>
public sealed class ProgressReporter
{
    private long _total = -1;
    private long _succeeded;
    private long _failed;
    private long _skipped;
    private long _processedOnly;
    private string? _currentItem;
    private string? _message;
    private readonly ConcurrentDictionary<string, ProgressCounter> _counters = new(StringComparer.Ordinal);

    internal ProgressReporter()
    {
    }

    /// <summary>Gets the total number of items, or <see langword="null"/> while it is not known.</summary>
    public long? Total
    {
        get
        {
            var total = Volatile.Read(ref _total);
            return total < 0 ? null : total;
        }
    }

    /// <summary>Gets the number of items processed: succeeded + failed + skipped + those reported with <see cref="IncrementProcessed"/>.</summary>
    public long Processed => Succeeded + Failed + Skipped + Volatile.Read(ref _processedOnly);

    /// <summary>Gets the number of items that succeeded.</summary>
    public long Succeeded => Volatile.Read(ref _succeeded);

    /// <summary>Gets the number of items that failed.</summary>
    public long Failed => Volatile.Read(ref _failed);

    /// <summary>Gets the number of items that were skipped.</summary>
    public long Skipped => Volatile.Read(ref _skipped);

    /// <summary>Gets the item being processed, as last set by <see cref="SetCurrentItem"/>.</summary>
    public string? CurrentItem => Volatile.Read(ref _currentItem);

    /// <summary>Gets the message last set by <see cref="SetMessage"/>.</summary>
    public string? Message => Volatile.Read(ref _message);

    /// <summary>Sets the total number of items, which makes a percentage and an ETA possible.</summary>
    /// <param name="total">The total; zero or more.</param>
    public void SetTotal(long total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        Volatile.Write(ref _total, total);
    }

    /// <summary>Counts items as succeeded (and so as processed).</summary>
    /// <param name="count">How many; one by default.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void IncrementSucceeded(long count = 1) => Interlocked.Add(ref _succeeded, count);

    /// <summary>Counts items as failed (and so as processed).</summary>
    /// <param name="count">How many; one by default.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void IncrementFailed(long count = 1) => Interlocked.Add(ref _failed, count);

    /// <summary>Counts items as skipped (and so as processed).</summary>
    /// <param name="count">How many; one by default.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void IncrementSkipped(long count = 1) => Interlocked.Add(ref _skipped, count);

    /// <summary>
    /// Counts items as processed without calling them succeeded, failed or skipped, for outcomes of your own
    /// (e.g. "not found"); count what they were in a named counter from <see cref="GetCounter"/>.
    /// </summary>
    /// <param name="count">How many; one by default.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void IncrementProcessed(long count = 1) => Interlocked.Add(ref _processedOnly, count);

    /// <summary>Sets the item being processed (shown as "current" by sinks).</summary>
    /// <param name="item">A short name for the item, or <see langword="null"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetCurrentItem(string? item) => Volatile.Write(ref _currentItem, item);

    /// <summary>Sets a short status message.</summary>
    /// <param name="message">The message, or <see langword="null"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetMessage(string? message) => Volatile.Write(ref _message, message);

    /// <summary>
    /// Gets (creating it on first use) a named extra counter such as <c>NotFound</c> or <c>ValidationErrors</c>.
    /// Keep the returned counter in a field or local for hot loops: incrementing it is as cheap as the built-in counters.
    /// </summary>
    /// <param name="name">The counter's name; case-sensitive.</param>
    /// <returns>The counter.</returns>
    public ProgressCounter GetCounter(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return _counters.TryGetValue(name, out var counter) ? counter : _counters.GetOrAdd(name, static n => new ProgressCounter(n));
    }

    /// <summary>Adds to a named extra counter. Looks the counter up by name; in hot loops prefer <see cref="GetCounter"/>.</summary>
    /// <param name="name">The counter's name; case-sensitive.</param>
    /// <param name="count">How much to add; one by default.</param>
    public void Increment(string name, long count = 1) => GetCounter(name).Increment(count);

    /// <summary>Reads the counters as they are now; each value is exact, the set of them is not one atomic read.</summary>
    internal CounterValues ReadCounters()
    {
        var extra = _counters.IsEmpty
            ? (IReadOnlyDictionary<string, long>)EmptyCounters
            : _counters.ToDictionary(static p => p.Key, static p => p.Value.Value, StringComparer.Ordinal);
        return new CounterValues(Total, Succeeded, Failed, Skipped, Volatile.Read(ref _processedOnly), extra, CurrentItem, Message);
    }

    /// <summary>Sets the counters back to the values of an earlier run, so a resumed job goes on counting.</summary>
    internal void Restore(JobProgress progress)
    {
        Volatile.Write(ref _total, progress.Total ?? -1);
        Volatile.Write(ref _succeeded, progress.Succeeded);
        Volatile.Write(ref _failed, progress.Failed);
        Volatile.Write(ref _skipped, progress.Skipped);
        Volatile.Write(ref _processedOnly, progress.Processed - progress.Succeeded - progress.Failed - progress.Skipped);
        foreach (var (name, value) in progress.Counters)
        {
            GetCounter(name).Set(value);
        }
    }

    private static readonly Dictionary<string, long> EmptyCounters = new(StringComparer.Ordinal);

    internal readonly record struct CounterValues(
        long? Total,
        long Succeeded,
        long Failed,
        long Skipped,
        long ProcessedOnly,
        IReadOnlyDictionary<string, long> Counters,
        string? CurrentItem,
        string? Message)
    {
        public long Processed => Succeeded + Failed + Skipped + ProcessedOnly;

        /// <summary>Whether anything a sink shows has changed; the extra counters compare by value.</summary>
        public bool SameAs(in CounterValues other)
        {
            if (Total != other.Total || Succeeded != other.Succeeded || Failed != other.Failed || Skipped != other.Skipped
                || ProcessedOnly != other.ProcessedOnly || !string.Equals(CurrentItem, other.CurrentItem, StringComparison.Ordinal)
                || !string.Equals(Message, other.Message, StringComparison.Ordinal) || Counters.Count != other.Counters.Count)
            {
                return false;
            }

            foreach (var (name, value) in Counters)
            {
                if (!other.Counters.TryGetValue(name, out var otherValue) || otherValue != value)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
