using Ingestion.HuggingFace;

namespace Ingestion.Samples.Web.Tests;

/// <summary>What the sample's generated dataset holds: the same generator and options, into a folder of the test's own.</summary>
internal static class GeneratedExpectations
{
    public static async Task<GeneratedModelExpectation> ForAsync(string model)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ingestion-web-expected-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var dataset = await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions { PuzzleCount = WebSampleProcess.Puzzles },
                Path.Combine(directory, "puzzles"), Path.Combine(directory, "dataset"));
            return dataset.GetModel(model);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
