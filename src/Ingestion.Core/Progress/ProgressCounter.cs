using System.Runtime.CompilerServices;

namespace Ingestion.Core;

/// <summary>A named extra progress counter (e.g. <c>NotFound</c>), from <see cref="ProgressReporter.GetCounter"/>.</summary>
public sealed class ProgressCounter
{
    private long _value;

    internal ProgressCounter(string name) => Name = name;

    /// <summary>Gets the counter's name.</summary>
    public string Name { get; }

    /// <summary>Gets the counter's value.</summary>
    public long Value => Volatile.Read(ref _value);

    /// <summary>Adds to the counter. An interlocked add: no allocation, no lock.</summary>
    /// <param name="count">How much to add; one by default.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment(long count = 1) => Interlocked.Add(ref _value, count);

    internal void Set(long value) => Volatile.Write(ref _value, value);
}
