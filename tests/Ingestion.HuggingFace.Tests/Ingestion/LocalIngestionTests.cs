namespace Ingestion.HuggingFace.Tests;

public sealed class LocalIngestionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task TheRealSampleSubmission_IsIngested_AndTheTaskWithoutAFile_IsNotFound()
    {
        await using var harness = new IngestionHarness(o =>
        {
            o.Tasks.Add("Sample", Path.Combine(SharedData.BenchmarkingSample, "tasks"));
            o.LocalDatasetRoots.Add(SharedData.BenchmarkingSample);
        });

        var final = await harness.RunAsync(new HuggingFaceIngestionParameters
        {
            LocalPath = Path.Combine(SharedData.BenchmarkingSample, "submissions"),
            Dataset = "arcprize/arc-agi-benchmarking-sample",
            ModelFolder = "example_model",
            Source = "Sample",
        });

        final.State.Should().Be(JobState.Completed, final.Error?.Message);
        final.Progress.Total.Should().Be(2);
        final.Progress.Succeeded.Should().Be(1);
        final.Progress.Failed.Should().Be(0);
        final.Counter("NotFound").Should().Be(1);
        final.Progress.Processed.Should().Be(2);
        final.Counter("AttemptsSaved").Should().Be(1);
        final.Counter("Predictions").Should().Be(1);
        final.Counter("PredictionsCorrect").Should().Be(1);

        var record = harness.Repository.GetAll().Should().ContainSingle().Subject;
        record.PuzzleId.Should().Be("66e6c45b");
        record.ModelName.Should().Be("example_model-attempt1");
        record.IsCorrect.Should().BeTrue();
        record.Model.Should().Be("sample-model");
        record.PromptTokens.Should().Be(10);
        record.TotalTokens.Should().Be(20);
        record.Duration.Should().Be(TimeSpan.FromSeconds(1));
        record.Predictions.Should().ContainSingle().Which.UserPrompt.Should().Be("ARC task prompt omitted for brevity");
        record.Predictions[0].AssistantContent.Should().Be("Predicted grid output");
        record.Predictions[0].RawJson.Should().Contain("\"test_id\": \"sample-config\"");
        final.Results["attempt1Accuracy"].Should().Be(1);
        final.Results["passAt2"].Should().Be(1);
        harness.JobLogLines(final.Id).Should().Contain("66e6c45b — saved 1/1 attempts, 1/1 predictions correct")
            .And.Contain("00576224 — not found in example_model");
    }

    [Fact]
    public async Task RealEvaluationPuzzles_WithKnownAnswers_AreCountedExactly()
    {
        var tasks = SharedData.LoadEvaluation(30);
        var dataset = _temp.Combine("dataset");
        foreach (var task in tasks.Take(25))
        {
            SubmissionFiles.WriteRightAndWrong(Path.Combine(dataset, "model-a"), task);
        }

        // A truncated file, a file that is not the layout, and a file with an invalid answer.
        SubmissionFiles.Write(Path.Combine(dataset, "model-a"), tasks[25].Id, "[{\"attempt_1\": {\"answer\": [[1,2]");
        SubmissionFiles.Write(Path.Combine(dataset, "model-a"), tasks[26].Id, "{\"not\": \"an array\"}");
        SubmissionFiles.Write(Path.Combine(dataset, "model-a"), tasks[27].Id, $$"""[{"attempt_1": {{SubmissionFiles.Attempt("[[1,2],[3]]", tasks[27].Id, 0)}}, "attempt_2": null}]""");

        await using var harness = new IngestionHarness(o =>
        {
            o.Tasks.AddArcAgi1(SharedData.ArcAgi1);
            o.LocalDatasetRoots.Add(_temp.Path);
        });

        var final = await harness.RunAsync(new HuggingFaceIngestionParameters
        {
            LocalPath = dataset,
            Dataset = "arcprize/arc_agi_v1_public_eval",
            ModelFolder = "model-a",
            Limit = 30,
        });

        final.State.Should().Be(JobState.Completed, final.Error?.Message);
        var pairs = tasks.Take(25).Sum(static t => t.Test.Count);
        final.Progress.Succeeded.Should().Be(26);
        final.Progress.Failed.Should().Be(2);
        final.Counter("NotFound").Should().Be(2);
        final.Counter("AttemptsSaved").Should().Be(51);
        final.Counter("Predictions").Should().Be((pairs * 2) + 1);
        final.Counter("PredictionsCorrect").Should().Be(pairs);
        final.Counter("ValidationErrors").Should().Be(1);
        harness.Repository.Count.Should().Be(51);
        var invalid = await harness.Repository.GetAsync(tasks[27].Id, "model-a-attempt1");
        invalid!.Predictions.Single().ValidationError.Should().Contain("ragged");
        harness.JobLogLines(final.Id).Should().Contain(l => l.StartsWith(tasks[25].Id + " — failed: Submission " + tasks[25].Id + ": not valid JSON", StringComparison.Ordinal));
    }
}
