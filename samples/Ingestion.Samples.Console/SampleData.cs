using Ingestion.HuggingFace;

namespace Ingestion.Samples.Console;

/// <summary>The embedded default dataset: seeded, generated on first use into a folder beside the program.</summary>
internal static class SampleData
{
    public static string DefaultRoot => Path.Combine(AppContext.BaseDirectory, "sample-data");

    public static Task<GeneratedDataset> GenerateAsync(string directory, int puzzles) => ArcDatasetGenerator.WriteAsync(
        new ArcDatasetGeneratorOptions { PuzzleCount = puzzles }, Path.Combine(directory, "puzzles"), Path.Combine(directory, "dataset"));

    /// <summary>
    /// Generates the default dataset unless it is there: into a fresh folder, renamed into place when complete (and a
    /// marker written last), so a run stopped half-way through generating leaves nothing that looks generated.
    /// </summary>
    public static async Task EnsureDefaultAsync()
    {
        var marker = Path.Combine(DefaultRoot, "generated.ok");
        if (File.Exists(marker))
        {
            return;
        }

        var staging = DefaultRoot + ".partial-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        await GenerateAsync(staging, 200);
        Directory.CreateDirectory(DefaultRoot);
        foreach (var part in (string[])["puzzles", "dataset"])
        {
            var target = Path.Combine(DefaultRoot, part);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true); // left by an interrupted or older first run
            }

            Directory.Move(Path.Combine(staging, part), target);
        }

        Directory.Delete(staging, recursive: true);
        await File.WriteAllTextAsync(marker, "200 puzzles, seed 2025\n");
    }
}
