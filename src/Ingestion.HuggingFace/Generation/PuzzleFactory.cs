using System.Globalization;

namespace Ingestion.HuggingFace;

/// <summary>
/// Makes ARC-like puzzles: each task has one simple rule (mirror, rotate, transpose, recolour, tile, scale, gravity)
/// applied to random small grids (3 to 12 on a side), 2 to 4 demonstration pairs and 1 or more test pairs. Puzzle
/// <c>i</c> depends only on the seed and <c>i</c>.
/// </summary>
internal static class PuzzleFactory
{
    private const ulong PuzzleStream = 0x505A_5A4C_4553;
    private const ulong IdStream = 0x1D5;
    private const int MinSide = 3;
    private const int MaxSide = 12;

    private enum Rule
    {
        MirrorLeftRight,
        MirrorUpDown,
        RotateQuarter,
        RotateHalf,
        Transpose,
        Recolour,
        Tile,
        Scale,
        Gravity,
    }

    /// <summary>
    /// The id of puzzle <paramref name="index"/>: a seeded bijection of the index on 32 bits (every step — xor or add
    /// a constant, multiply by an odd number, xor with a right shift — is invertible), so ids never collide.
    /// </summary>
    /// <param name="seed">The seed.</param>
    /// <param name="index">The puzzle's index.</param>
    /// <returns>8 lowercase hex characters.</returns>
    public static string TaskId(int seed, int index)
    {
        var key = SeededRandom.Derive((ulong)(uint)seed, IdStream, 0);
        var x = (uint)index;
        x ^= (uint)key;
        x *= 0x9E3779B1;
        x ^= x >> 15;
        x += (uint)(key >> 32);
        x *= 0x85EBCA77;
        x ^= x >> 13;
        x ^= (uint)(key >> 16);
        x *= 0xC2B2AE3D;
        x ^= x >> 16;
        return x.ToString("x8", CultureInfo.InvariantCulture);
    }

    /// <summary>Makes puzzle <paramref name="index"/>.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="index">The puzzle's index.</param>
    /// <param name="testPairWeights">The weights of 1, 2, … test pairs.</param>
    /// <param name="rule">A sentence saying what the rule is, for reasoning summaries.</param>
    /// <returns>The puzzle.</returns>
    public static ArcTask Create(int seed, int index, IList<double> testPairWeights, out string rule)
    {
        var random = new SeededRandom(SeededRandom.Derive((ulong)(uint)seed, PuzzleStream, (ulong)index));
        var kind = (Rule)random.Next((int)Rule.Gravity + 1);
        var shift = random.Next(1, 9);
        var palette = Palette(random, kind == Rule.Recolour ? random.Next(2, 5) : random.Next(1, 4));
        var density = 0.2 + (0.4 * random.NextDouble());
        rule = Describe(kind, shift);

        var train = new ArcPair[random.Next(2, 5)];
        for (var i = 0; i < train.Length; i++)
        {
            train[i] = MakePair(random, kind, shift, palette, density);
        }

        var test = new ArcPair[Pick(random, testPairWeights) + 1];
        for (var i = 0; i < test.Length; i++)
        {
            test[i] = MakePair(random, kind, shift, palette, density);
        }

        return new ArcTask(TaskId(seed, index), train, test);
    }

    private static int Pick(SeededRandom random, IList<double> weights)
    {
        var total = 0.0;
        foreach (var weight in weights)
        {
            total += weight;
        }

        var target = random.NextDouble() * total;
        for (var i = 0; i < weights.Count; i++)
        {
            target -= weights[i];
            if (target < 0)
            {
                return i;
            }
        }

        // Rounding can leave target at a hair above 0 after the last weight: take the last one that can be drawn.
        for (var i = weights.Count - 1; i > 0; i--)
        {
            if (weights[i] > 0)
            {
                return i;
            }
        }

        return 0;
    }

    private static int[] Palette(SeededRandom random, int count)
    {
        var colours = new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, colours.Length);
            (colours[i], colours[j]) = (colours[j], colours[i]);
        }

        return colours[..count];
    }

    private static ArcPair MakePair(SeededRandom random, Rule kind, int shift, int[] palette, double density)
    {
        var height = random.Next(MinSide, MaxSide + 1);
        var width = random.Next(MinSide, MaxSide + 1);
        var input = new int[height][];
        for (var r = 0; r < height; r++)
        {
            input[r] = new int[width];
            for (var c = 0; c < width; c++)
            {
                input[r][c] = random.Chance(density) ? palette[random.Next(palette.Length)] : 0;
            }
        }

        return new ArcPair(ArcGrid.Create(input), ArcGrid.Create(Apply(kind, shift, input)));
    }

    private static int[][] Apply(Rule kind, int shift, int[][] input)
    {
        var height = input.Length;
        var width = input[0].Length;
        return kind switch
        {
            Rule.MirrorLeftRight => Build(height, width, (r, c) => input[r][width - 1 - c]),
            Rule.MirrorUpDown => Build(height, width, (r, c) => input[height - 1 - r][c]),
            Rule.RotateQuarter => Build(width, height, (r, c) => input[height - 1 - c][r]),
            Rule.RotateHalf => Build(height, width, (r, c) => input[height - 1 - r][width - 1 - c]),
            Rule.Transpose => Build(width, height, (r, c) => input[c][r]),
            Rule.Recolour => Build(height, width, (r, c) => input[r][c] == 0 ? 0 : ((input[r][c] - 1 + shift) % 9) + 1),
            Rule.Tile => Build(height * 2, width * 2, (r, c) => input[r % height][c % width]),
            Rule.Scale => Build(height * 2, width * 2, (r, c) => input[r / 2][c / 2]),
            _ => Gravity(input),
        };
    }

    private static int[][] Build(int height, int width, Func<int, int, int> cell)
    {
        var rows = new int[height][];
        for (var r = 0; r < height; r++)
        {
            rows[r] = new int[width];
            for (var c = 0; c < width; c++)
            {
                rows[r][c] = cell(r, c);
            }
        }

        return rows;
    }

    private static int[][] Gravity(int[][] input)
    {
        var height = input.Length;
        var width = input[0].Length;
        var rows = Build(height, width, (_, _) => 0);
        for (var c = 0; c < width; c++)
        {
            var bottom = height - 1;
            for (var r = height - 1; r >= 0; r--)
            {
                if (input[r][c] != 0)
                {
                    rows[bottom--][c] = input[r][c];
                }
            }
        }

        return rows;
    }

    private static string Describe(Rule kind, int shift) => kind switch
    {
        Rule.MirrorLeftRight => "the output is the input mirrored left to right",
        Rule.MirrorUpDown => "the output is the input flipped upside down",
        Rule.RotateQuarter => "the output is the input rotated a quarter turn clockwise",
        Rule.RotateHalf => "the output is the input rotated half a turn",
        Rule.Transpose => "the output is the input reflected across its main diagonal",
        Rule.Recolour => string.Create(CultureInfo.InvariantCulture, $"every colour moves {shift} along the palette 1 to 9 (wrapping round) and the background stays"),
        Rule.Tile => "the output is the input tiled two by two",
        Rule.Scale => "every cell of the input becomes a two-by-two block",
        _ => "every coloured cell falls to the bottom of its column",
    };
}
