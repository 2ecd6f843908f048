namespace Ingestion.HuggingFace;

/// <summary>A dataset <see cref="ArcDatasetGenerator"/> wrote, with what ingesting each of its model folders should report.</summary>
public sealed class GeneratedDataset
{
    internal GeneratedDataset(string? puzzlesDirectory, string datasetDirectory, IReadOnlyList<string> taskIds, IReadOnlyList<GeneratedModelExpectation> models)
    {
        PuzzlesDirectory = puzzlesDirectory;
        DatasetDirectory = datasetDirectory;
        TaskIds = taskIds;
        Models = models;
    }

    /// <summary>Gets the folder of the puzzle files (<c>{taskId}.json</c>), or <see langword="null"/> when the puzzles were the caller's.</summary>
    public string? PuzzlesDirectory { get; }

    /// <summary>Gets the dataset folder, holding one folder per model (<c>{model}/{taskId}.json</c> and <c>{model}/results.json</c>).</summary>
    public string DatasetDirectory { get; }

    /// <summary>Gets the puzzle set's task ids, in generation (or the caller's) order.</summary>
    public IReadOnlyList<string> TaskIds { get; }

    /// <summary>Gets the expectations per model folder, in the order of the options' models.</summary>
    public IReadOnlyList<GeneratedModelExpectation> Models { get; }

    /// <summary>Gets one model folder's expectation.</summary>
    /// <param name="folder">The folder name.</param>
    /// <returns>The expectation.</returns>
    /// <exception cref="KeyNotFoundException">No model has that folder.</exception>
    public GeneratedModelExpectation GetModel(string folder)
        => Models.FirstOrDefault(m => string.Equals(m.Folder, folder, StringComparison.Ordinal))
            ?? throw new KeyNotFoundException($"No generated model folder is named '{folder}'.");
}
