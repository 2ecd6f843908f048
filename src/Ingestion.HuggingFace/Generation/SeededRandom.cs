namespace Ingestion.HuggingFace;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small generator whose sequence is fixed by this code alone (unlike
/// <see cref="Random"/>, whose algorithm may change between runtimes), so generated datasets stay byte-identical.
/// Not for anything secret.
/// </summary>
internal sealed class SeededRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Initializes a new instance of the <see cref="SeededRandom"/> class.</summary>
    /// <param name="seed">The seed; any value, zero included.</param>
    public SeededRandom(ulong seed)
    {
        var state = seed;
        _s0 = SplitMix(ref state);
        _s1 = SplitMix(ref state);
        _s2 = SplitMix(ref state);
        _s3 = SplitMix(ref state);
    }

    /// <summary>Derives an independent seed from a seed and two stream numbers (a task index, a hashed name).</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="a">The first stream number.</param>
    /// <param name="b">The second stream number.</param>
    /// <returns>The derived seed.</returns>
    public static ulong Derive(ulong seed, ulong a, ulong b)
    {
        var state = seed;
        state = SplitMix(ref state) ^ a;
        state = SplitMix(ref state) ^ b;
        return SplitMix(ref state);
    }

    /// <summary>A 64-bit FNV-1a hash of a string's UTF-16 code units: stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The hash.</returns>
    public static ulong Hash(string text)
    {
        var hash = 0xCBF29CE484222325;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 0x100000001B3;
        }

        return hash;
    }

    /// <summary>The next 64 random bits.</summary>
    /// <returns>The bits.</returns>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A number from 0 to <paramref name="maxExclusive"/> − 1 (multiply-shift; the bias is below 2⁻³² and does not matter here).</summary>
    /// <param name="maxExclusive">The bound, at least 1.</param>
    /// <returns>The number.</returns>
    public int Next(int maxExclusive) => (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);

    /// <summary>A number from <paramref name="minInclusive"/> to <paramref name="maxExclusive"/> − 1.</summary>
    /// <param name="minInclusive">The lower bound.</param>
    /// <param name="maxExclusive">The upper bound, above the lower.</param>
    /// <returns>The number.</returns>
    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    /// <summary>A number in [0, 1) with 53 random bits.</summary>
    /// <returns>The number.</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Whether an event of probability <paramref name="probability"/> happens (never for 0, always for 1).</summary>
    /// <param name="probability">The probability, 0 to 1.</param>
    /// <returns>Whether it happens.</returns>
    public bool Chance(double probability) => NextDouble() < probability;

    private static ulong SplitMix(ref ulong state)
    {
        state += Golden;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
