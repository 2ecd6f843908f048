using Ingestion.HuggingFace;

namespace Ingestion.Samples;

/// <summary>
/// The embedded default dataset: seeded, generated on first use into a folder beside the program. Shared by the
/// console and web samples (each compiles this file in, as a link), so both serve the same data the same way.
/// </summary>
internal static class SampleData
{
    public const int DefaultPuzzles = 200;

    public static string DefaultRoot => Path.Combine(AppContext.BaseDirectory, "sample-data");

    public static Task<GeneratedDataset> GenerateAsync(string directory, int puzzles) => ArcDatasetGenerator.WriteAsync(
        new ArcDatasetGeneratorOptions { PuzzleCount = puzzles }, Path.Combine(directory, "puzzles"), Path.Combine(directory, "dataset"));

    /// <summary>Generates the default dataset into <see cref="DefaultRoot"/> unless it is there.</summary>
    public static Task EnsureDefaultAsync() => EnsureAsync(DefaultRoot, DefaultPuzzles);

    /// <summary>
    /// Generates the dataset into <paramref name="root"/> unless it is there: into a fresh folder, renamed into place
    /// when complete (and a marker written last), so a run stopped half-way through generating leaves nothing that looks
    /// generated.
    /// </summary>
    public static async Task EnsureAsync(string root, int puzzles)
    {
        var marker = Path.Combine(root, "generated.ok");
        if (File.Exists(marker))
        {
            return;
        }

        var staging = root.TrimEnd(Path.DirectorySeparatorChar) + ".partial-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        await GenerateAsync(staging, puzzles);
        Directory.CreateDirectory(root);
        foreach (var part in (string[])["puzzles", "dataset"])
        {
            var target = Path.Combine(root, part);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true); // left by an interrupted or older first run
            }

            Directory.Move(Path.Combine(staging, part), target);
        }

        Directory.Delete(staging, recursive: true);
        await File.WriteAllTextAsync(marker, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{puzzles} puzzles, seed 2025\n"));
    }
}
