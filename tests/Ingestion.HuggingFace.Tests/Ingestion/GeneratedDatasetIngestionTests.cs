namespace Ingestion.HuggingFace.Tests;

/// <summary>Whole runs over generated data, whose every count is known in advance.</summary>
public sealed class GeneratedDatasetIngestionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task EveryModelOfAGeneratedDataset_IsCountedExactly()
    {
        var generated = await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions { PuzzleCount = 150, Seed = 7 }, _temp.Combine("puzzles"), _temp.Combine("dataset"));
        await using var harness = new IngestionHarness(o =>
        {
            o.Tasks.Add("Generated", generated.PuzzlesDirectory!);
            o.LocalDatasetRoots.Add(_temp.Path);
        });

        foreach (var model in generated.Models)
        {
            var final = await harness.RunAsync(new HuggingFaceIngestionParameters
            {
                LocalPath = generated.DatasetDirectory,
                Dataset = "generated/arc-synthetic",
                ModelFolder = model.Folder,
                Source = "Generated",
            });

            final.ShouldMatch(model, harness.Repository);
        }
    }

    [Fact]
    public async Task TheRealEvaluationPuzzles_WithGeneratedSubmissions_AreCountedExactly()
    {
        var puzzles = SharedData.LoadEvaluation(400);
        var generated = await ArcDatasetGenerator.WriteSubmissionsAsync(puzzles, new ArcDatasetGeneratorOptions { Seed = 11 }, _temp.Combine("dataset"));
        await using var harness = new IngestionHarness(o =>
        {
            o.Tasks.AddArcAgi1(SharedData.ArcAgi1);
            o.LocalDatasetRoots.Add(_temp.Path);
        });

        var model = generated.Models[1];
        var final = await harness.RunAsync(new HuggingFaceIngestionParameters
        {
            LocalPath = generated.DatasetDirectory,
            Dataset = "arcprize/arc_agi_v1_public_eval",
            ModelFolder = model.Folder,
        });

        final.ShouldMatch(model, harness.Repository);

        // One puzzle's records in detail.
        var task = model.Tasks.First(static t => t.Outcome == GeneratedPuzzleOutcome.Succeeded && t.PairCount > 1);
        foreach (var attempt in task.Attempts)
        {
            var record = (await harness.Repository.GetAsync(task.TaskId, $"{model.Folder}-attempt{attempt.AttemptNumber}"))!;
            record.Source.Should().Be("ARC1-Eval");
            record.TestPairs.Should().Be(task.PairCount);
            record.Predictions.Select(static p => p.PairIndex).Should().Equal(attempt.Predictions.Select(static p => p.PairIndex));
            record.Predictions.Select(static p => p.IsCorrect).Should().Equal(attempt.Predictions.Select(static p => p.IsCorrect));
            record.CorrectPredictions.Should().Be(attempt.CorrectPredictions);
            record.PromptTokens.Should().Be(attempt.PromptTokens);
            record.Cost.Should().BeApproximately(attempt.TotalCost, 1e-12);
            record.Duration.Should().Be(attempt.Duration);
        }
    }
}
