using System.Runtime.CompilerServices;

namespace Ingestion.HuggingFace;

/// <summary>A growable array for one column of a row group being written, reused from one row group to the next.</summary>
/// <typeparam name="T">The value type.</typeparam>
internal sealed class ColumnBuffer<T>
{
    private T[] _items;

    public ColumnBuffer(int capacity) => _items = new T[Math.Max(capacity, 4)];

    public int Count { get; private set; }

    public ReadOnlyMemory<T> Memory => _items.AsMemory(0, Count);

    public ArraySegment<T> Segment => new(_items, 0, Count);

    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = item;
    }

    public void Clear()
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            Array.Clear(_items, 0, Count); // let the strings of the last row group go
        }

        Count = 0;
    }
}
