namespace Ingestion.HuggingFace.Tests;

/// <summary>The data in ../shared, read in place (never copied into the repository).</summary>
internal static class SharedData
{
    public static string ArcAgi1 => Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "data", "arc-agi-1"));

    public static string ArcAgi1Evaluation => Path.Combine(ArcAgi1, "evaluation");

    public static string BenchmarkingSample => Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "data", "arc-agi-benchmarking-sample"));

    public static IReadOnlyList<ArcTask> LoadEvaluation(int count)
        => Directory.EnumerateFiles(ArcAgi1Evaluation, "*.json")
            .Order(StringComparer.Ordinal)
            .Take(count)
            .Select(static f => ArcTask.Parse(Path.GetFileNameWithoutExtension(f), File.ReadAllBytes(f)))
            .ToArray();
}

/// <summary>A temporary directory, deleted with the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ingestion-hf-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
