using Ingestion.HuggingFace;

namespace Ingestion.Samples.Console;

/// <summary>The embedded default dataset: seeded, generated on first use into a folder beside the program.</summary>
internal static class SampleData
{
    public static string DefaultRoot => Path.Combine(AppContext.BaseDirectory, "sample-data");

    public static Task<GeneratedDataset> GenerateAsync(string directory, int puzzles) => ArcDatasetGenerator.WriteAsync(
        new ArcDatasetGeneratorOptions { PuzzleCount = puzzles }, Path.Combine(directory, "puzzles"), Path.Combine(directory, "dataset"));

    /// <summary>Generates the default dataset unless it is there.</summary>
    public static async Task EnsureDefaultAsync()
    {
        if (!Directory.Exists(Path.Combine(DefaultRoot, "dataset")))
        {
            await GenerateAsync(DefaultRoot, 200);
        }
    }
}
