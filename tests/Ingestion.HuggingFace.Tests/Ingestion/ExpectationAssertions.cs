namespace Ingestion.HuggingFace.Tests;

internal static class ExpectationAssertions
{
    /// <summary>Asserts a finished first run counted exactly what the generator says it wrote.</summary>
    public static void ShouldMatch(this JobSnapshot final, GeneratedModelExpectation expected, InMemoryExplanationRepository? repository = null)
    {
        final.State.Should().Be(JobState.Completed, final.Error?.Message);
        final.Progress.Total.Should().Be(expected.Puzzles);
        final.Progress.Succeeded.Should().Be(expected.Succeeded, "succeeded puzzles");
        final.Progress.Failed.Should().Be(expected.Failed, "failed puzzles");
        final.Progress.Skipped.Should().Be(0);
        final.Counter("NotFound").Should().Be(expected.NotFound, "puzzles without a file");
        final.Progress.Processed.Should().Be(expected.Puzzles);
        final.Counter("AttemptsSaved").Should().Be(expected.AttemptsSaved);
        final.Counter("Predictions").Should().Be(expected.Predictions);
        final.Counter("PredictionsCorrect").Should().Be(expected.CorrectPredictions);
        final.Counter("ValidationErrors").Should().Be(expected.ValidationErrors);
        foreach (var attempt in expected.Attempts)
        {
            final.Results[$"attempt{attempt.AttemptNumber}Accuracy"].Should().BeApproximately(attempt.Accuracy, 1e-12, $"attempt {attempt.AttemptNumber}");
        }

        final.Results["passAt2"].Should().BeApproximately(expected.PassRate, 1e-12);
        final.Results["solvedPairs"].Should().Be(expected.SolvedPairs);
        final.Results["testPairs"].Should().Be(expected.TotalPairs);
        final.Results["promptTokens"].Should().Be(expected.PromptTokens);
        final.Results["completionTokens"].Should().Be(expected.CompletionTokens);
        final.Results["reasoningTokens"].Should().Be(expected.ReasoningTokens);
        final.Results["cost"].Should().BeApproximately(expected.TotalCost, 1e-9);
        final.Results["durationSeconds"].Should().BeApproximately(expected.Duration.TotalSeconds, 1e-6);

        if (repository is not null)
        {
            var records = repository.GetAll().Where(r => r.ModelFolder == expected.Folder).ToArray();
            records.Should().HaveCount((int)expected.AttemptsSaved);
            records.Sum(static r => r.CorrectPredictions).Should().Be((int)expected.CorrectPredictions);
        }
    }
}
