using System.Globalization;
using System.Text;

namespace Ingestion.HuggingFace.Tests.Generation;

/// <summary>
/// Scores a generated model folder the way the pipeline's rules say, from the files alone (parsed with
/// <see cref="SubmissionJson"/>) and the puzzles, to check the generator's expectations against something that does
/// not share its code.
/// </summary>
internal static class IndependentScorer
{
    public static async Task<ScoredModel> ScoreAsync(string modelDirectory, IReadOnlyList<ArcTask> puzzles)
    {
        var tasks = new List<ScoredTask>(puzzles.Count);
        foreach (var puzzle in puzzles)
        {
            var path = Path.Combine(modelDirectory, puzzle.Id + ".json");
            if (!File.Exists(path))
            {
                tasks.Add(new ScoredTask(puzzle.Id, GeneratedPuzzleOutcome.NotFound, puzzle.Test.Count, []));
                continue;
            }

            TaskSubmission submission;
            try
            {
                await using var stream = File.OpenRead(path);
                submission = await SubmissionJson.ReadTaskFileAsync(stream, puzzle.Id);
            }
            catch (SubmissionFormatException)
            {
                tasks.Add(new ScoredTask(puzzle.Id, GeneratedPuzzleOutcome.Failed, puzzle.Test.Count, []));
                continue;
            }

            var records = submission.Attempts
                .GroupBy(a => a.AttemptNumber)
                .OrderBy(g => g.Key)
                .Select(g => new ScoredRecord(
                    g.Key,
                    g.OrderBy(a => a.PairIndex).Select(a => new ScoredPrediction(
                        a.PairIndex,
                        a.Answer is not null,
                        a.Answer is not null && puzzle.Test[a.PairIndex].Output is { } expected && IsSame(a.Answer, expected))).ToList(),
                    g.ToList()))
                .ToList();
            tasks.Add(new ScoredTask(puzzle.Id, records.Count > 0 ? GeneratedPuzzleOutcome.Succeeded : GeneratedPuzzleOutcome.Failed, puzzle.Test.Count, records));
        }

        return new ScoredModel(tasks);
    }

    /// <summary>Same size and every cell equal, compared cell by cell rather than with <see cref="ArcGrid.Equals(ArcGrid?)"/>.</summary>
    private static bool IsSame(ArcGrid answer, ArcGrid expected)
    {
        if (answer.Height != expected.Height || answer.Width != expected.Width)
        {
            return false;
        }

        for (var r = 0; r < answer.Height; r++)
        {
            for (var c = 0; c < answer.Width; c++)
            {
                if (answer[r, c] != expected[r, c])
                {
                    return false;
                }
            }
        }

        return true;
    }
}

internal sealed record ScoredPrediction(int PairIndex, bool IsValid, bool IsCorrect);

internal sealed record ScoredRecord(int AttemptNumber, List<ScoredPrediction> Predictions, List<SubmissionAttempt> Attempts)
{
    public long PromptTokens => Attempts.Sum(a => a.PromptTokens ?? 0);

    public long CompletionTokens => Attempts.Sum(a => a.CompletionTokens ?? 0);

    public long ReasoningTokens => Attempts.Sum(a => a.ReasoningTokens ?? 0);

    public long TotalTokens => Attempts.Sum(a => a.TotalTokens ?? 0);

    public double TotalCost => Attempts.Sum(a => a.TotalCost ?? 0);

    public TimeSpan Duration => TimeSpan.FromTicks(Attempts.Sum(a => a.Duration!.Value.Ticks));

    public DateTimeOffset StartedAt => Attempts.Min(a => a.StartedAt!.Value);

    public DateTimeOffset EndedAt => Attempts.Max(a => a.EndedAt!.Value);
}

internal sealed record ScoredTask(string TaskId, GeneratedPuzzleOutcome Outcome, int PairCount, List<ScoredRecord> Records)
{
    public int SolvedPairs => Records.SelectMany(r => r.Predictions).Where(p => p.IsCorrect).Select(p => p.PairIndex).Distinct().Count();

    /// <summary>One line that says everything checked about the task, so that whole sets compare quickly with a readable diff.</summary>
    public string Describe()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{TaskId} {Outcome} pairs={PairCount} solved={SolvedPairs}");
        foreach (var record in Records)
        {
            text.Append(CultureInfo.InvariantCulture, $" | attempt_{record.AttemptNumber} [");
            text.AppendJoin(' ', record.Predictions.Select(p => $"{p.PairIndex}:{(p.IsValid ? (p.IsCorrect ? "correct" : "wrong") : "invalid")}"));
            text.Append(CultureInfo.InvariantCulture, $"] tokens={record.PromptTokens}/{record.CompletionTokens}/{record.ReasoningTokens}/{record.TotalTokens}");
            text.Append(CultureInfo.InvariantCulture, $" cost={record.TotalCost:R} {record.StartedAt:O}..{record.EndedAt:O} duration={record.Duration.Ticks}");
        }

        return text.ToString();
    }

    public static string Describe(GeneratedTaskExpectation task)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{task.TaskId} {task.Outcome} pairs={task.PairCount} solved={task.SolvedPairs}");
        foreach (var record in task.Attempts)
        {
            text.Append(CultureInfo.InvariantCulture, $" | attempt_{record.AttemptNumber} [");
            text.AppendJoin(' ', record.Predictions.Select(p => $"{p.PairIndex}:{(p.IsValid ? (p.IsCorrect ? "correct" : "wrong") : "invalid")}"));
            text.Append(CultureInfo.InvariantCulture, $"] tokens={record.PromptTokens}/{record.CompletionTokens}/{record.ReasoningTokens}/{record.TotalTokens}");
            text.Append(CultureInfo.InvariantCulture, $" cost={record.TotalCost:R} {record.StartedAt:O}..{record.EndedAt:O} duration={record.Duration.Ticks}");
        }

        return text.ToString();
    }
}

internal sealed record ScoredModel(List<ScoredTask> Tasks)
{
    private IEnumerable<ScoredRecord> Records => Tasks.SelectMany(t => t.Records);

    /// <summary>Asserts that every count and sum of <paramref name="expected"/> is what the files give.</summary>
    public void ShouldMatch(GeneratedModelExpectation expected)
    {
        // Line by line, so that a failure shows the first task that differs rather than the whole set.
        var expectedLines = expected.Tasks.Select(ScoredTask.Describe).ToList();
        var actualLines = Tasks.Select(t => t.Describe()).ToList();
        expectedLines.Should().HaveCount(actualLines.Count);
        for (var i = 0; i < expectedLines.Count; i++)
        {
            expectedLines[i].Should().Be(actualLines[i], $"the expectation of task {i} of {expected.Folder} follows its file");
        }

        expected.Puzzles.Should().Be(Tasks.Count);
        expected.Succeeded.Should().Be(Tasks.Count(t => t.Outcome == GeneratedPuzzleOutcome.Succeeded));
        expected.Failed.Should().Be(Tasks.Count(t => t.Outcome == GeneratedPuzzleOutcome.Failed));
        expected.NotFound.Should().Be(Tasks.Count(t => t.Outcome == GeneratedPuzzleOutcome.NotFound));
        expected.AttemptsSaved.Should().Be(Records.Count());
        expected.Predictions.Should().Be(Records.Sum(r => r.Predictions.Count));
        expected.CorrectPredictions.Should().Be(Records.Sum(r => r.Predictions.Count(p => p.IsCorrect)));
        expected.ValidationErrors.Should().Be(Records.Sum(r => r.Predictions.Count(p => !p.IsValid)));
        expected.SolvedPairs.Should().Be(Tasks.Where(t => t.Outcome == GeneratedPuzzleOutcome.Succeeded).Sum(t => t.SolvedPairs));
        expected.TotalPairs.Should().Be(Tasks.Where(t => t.Outcome == GeneratedPuzzleOutcome.Succeeded).Sum(t => t.PairCount));
        expected.PromptTokens.Should().Be(Records.Sum(r => r.PromptTokens));
        expected.CompletionTokens.Should().Be(Records.Sum(r => r.CompletionTokens));
        expected.ReasoningTokens.Should().Be(Records.Sum(r => r.ReasoningTokens));
        expected.TotalTokens.Should().Be(Records.Sum(r => r.TotalTokens));
        expected.Duration.Should().Be(TimeSpan.FromTicks(Records.Sum(r => r.Duration.Ticks)));

        // Summed in another order than the generator's (file by file, attempt by attempt, backwards): still exactly equal.
        expected.TotalCost.Should().Be(Records.SelectMany(r => r.Attempts).Reverse().Sum(a => a.TotalCost ?? 0));

        var maxAttempt = Records.Select(r => r.AttemptNumber).DefaultIfEmpty(0).Max();
        expected.Attempts.Count.Should().BeGreaterThanOrEqualTo(maxAttempt);
        foreach (var attempt in expected.Attempts)
        {
            var tasks = Tasks.Where(t => t.Records.Any(r => r.AttemptNumber == attempt.AttemptNumber)).ToList();
            var records = tasks.Select(t => t.Records.Single(r => r.AttemptNumber == attempt.AttemptNumber)).ToList();
            attempt.Records.Should().Be(tasks.Count);
            attempt.Pairs.Should().Be(tasks.Sum(t => t.PairCount));
            attempt.Predictions.Should().Be(records.Sum(r => r.Predictions.Count));
            attempt.CorrectPredictions.Should().Be(records.Sum(r => r.Predictions.Count(p => p.IsCorrect)));
            attempt.ValidationErrors.Should().Be(records.Sum(r => r.Predictions.Count(p => !p.IsValid)));
        }
    }
}
