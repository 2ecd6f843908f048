using System.Text.Json;

namespace Ingestion.HuggingFace.Tests.Generation;

public sealed class ArcDatasetGeneratorTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Profiles that make every odd case happen often, so small sets exercise all of them.</summary>
    private static ArcDatasetGeneratorOptions Stressful(int puzzles, int seed = 7) => new()
    {
        Seed = seed,
        PuzzleCount = puzzles,
        TestPairWeights = [1, 1, 1],
        Models =
        [
            new("chaotic")
            {
                CorrectProbability = [0.5, 0.5, 0.5],
                MissingAttemptProbability = 0.3,
                NullAttemptProbability = 0.3,
                InvalidAnswerProbability = 0.3,
                MissingFileProbability = 0.15,
                MalformedFileProbability = 0.15,
                ExtraFieldsProbability = 0.5,
                ReasoningTokens = 500,
            },
            new("single-attempt") { CorrectProbability = [0.6], InvalidAnswerProbability = 0.05 },
        ],
    };

    [Fact]
    public async Task WriteAsync_TwiceWithTheSameOptions_WritesByteIdenticalTrees()
    {
        var first = Stressful(60);
        first.MaxDegreeOfParallelism = 1;
        var second = Stressful(60);
        second.MaxDegreeOfParallelism = 4;

        await ArcDatasetGenerator.WriteAsync(first, _temp.Combine("a", "puzzles"), _temp.Combine("a", "dataset"));
        await ArcDatasetGenerator.WriteAsync(second, _temp.Combine("b", "puzzles"), _temp.Combine("b", "dataset"));

        var a = ReadTree(_temp.Combine("a"));
        var b = ReadTree(_temp.Combine("b"));
        a.Keys.Should().BeEquivalentTo(b.Keys);
        a.Should().HaveCountGreaterThan(100);
        foreach (var (path, bytes) in a)
        {
            b[path].Should().Equal(bytes, $"{path} is the same whatever the parallelism");
        }
    }

    [Fact]
    public async Task WriteAsync_WithADifferentSeed_WritesDifferentPuzzles()
    {
        var one = await ArcDatasetGenerator.WriteAsync(Stressful(20, seed: 1), _temp.Combine("1", "p"), _temp.Combine("1", "d"));
        var two = await ArcDatasetGenerator.WriteAsync(Stressful(20, seed: 2), _temp.Combine("2", "p"), _temp.Combine("2", "d"));

        one.TaskIds.Should().NotIntersectWith(two.TaskIds);
    }

    [Fact]
    public async Task WriteAsync_FirstPuzzles_AreTheSameWhateverThePuzzleCount()
    {
        var small = await ArcDatasetGenerator.WriteAsync(Stressful(12), _temp.Combine("small", "p"), _temp.Combine("small", "d"));
        var large = await ArcDatasetGenerator.WriteAsync(Stressful(120), _temp.Combine("large", "p"), _temp.Combine("large", "d"));

        large.TaskIds.Take(12).Should().Equal(small.TaskIds);
        var smallTree = ReadTree(_temp.Combine("small"));
        var largeTree = ReadTree(_temp.Combine("large"));
        var compared = 0;
        foreach (var (path, bytes) in smallTree.Where(f => !f.Key.EndsWith("results.json", StringComparison.Ordinal)))
        {
            largeTree[path].Should().Equal(bytes, $"{path} does not depend on how many puzzles follow it");
            compared++;
        }

        compared.Should().BeGreaterThan(12);
        for (var m = 0; m < small.Models.Count; m++)
        {
            large.Models[m].Tasks.Take(12).Select(ScoredTask.Describe).Should().Equal(small.Models[m].Tasks.Select(ScoredTask.Describe));
        }
    }

    [Fact]
    public void TaskIds_ForTwoHundredThousandIndexes_AreDistinctLowercaseHex()
    {
        var ids = Enumerable.Range(0, 200_000).Select(i => PuzzleFactory.TaskId(2025, i)).ToList();

        new HashSet<string>(ids, StringComparer.Ordinal).Should().HaveCount(ids.Count);
        ids.Where(id => id.Length != 8 || !id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')).Should().BeEmpty();
    }

    [Fact]
    public async Task WriteAsync_PuzzleFiles_AreArcTasksOfTheDocumentedShape()
    {
        var dataset = await ArcDatasetGenerator.WriteAsync(Stressful(150), _temp.Combine("p"), _temp.Combine("d"));

        Directory.GetFiles(dataset.PuzzlesDirectory!).Select(Path.GetFileNameWithoutExtension).Should().BeEquivalentTo(dataset.TaskIds);
        var testPairCounts = new HashSet<int>();
        foreach (var id in dataset.TaskIds)
        {
            var task = ArcTask.Parse(id, File.ReadAllBytes(Path.Combine(dataset.PuzzlesDirectory!, id + ".json")));
            task.Train.Count.Should().BeInRange(2, 4);
            task.Test.Count.Should().BeInRange(1, 3);
            testPairCounts.Add(task.Test.Count);
            foreach (var pair in task.Train.Concat(task.Test))
            {
                pair.Input.Height.Should().BeInRange(3, 12);
                pair.Input.Width.Should().BeInRange(3, 12);
                pair.Output.Should().NotBeNull();
            }
        }

        testPairCounts.Should().BeEquivalentTo([1, 2, 3]);
    }

    [Fact]
    public async Task WriteAsync_TestPairWeights_SetHowManyTestPairsPuzzlesHave()
    {
        var options = Stressful(40);
        options.TestPairWeights = [0, 1];

        var dataset = await ArcDatasetGenerator.WriteAsync(options, _temp.Combine("p"), _temp.Combine("d"));

        dataset.Models[0].Tasks.Should().AllSatisfy(t => t.PairCount.Should().Be(2));
        ReadPuzzles(dataset).Should().AllSatisfy(p => p.Test.Should().HaveCount(2));
    }

    [Fact]
    public async Task WriteAsync_Expectations_EqualAnIndependentScoringOfTheWrittenFiles()
    {
        var dataset = await ArcDatasetGenerator.WriteAsync(Stressful(250), _temp.Combine("p"), _temp.Combine("d"));
        var puzzles = ReadPuzzles(dataset);

        foreach (var model in dataset.Models)
        {
            var scored = await IndependentScorer.ScoreAsync(Path.Combine(dataset.DatasetDirectory, model.Folder), puzzles);
            scored.ShouldMatch(model);
        }

        // Each case really occurs, so the comparison above is not between zeros.
        var chaotic = dataset.GetModel("chaotic");
        chaotic.Succeeded.Should().BeGreaterThan(100);
        chaotic.Failed.Should().BeGreaterThan(10);
        chaotic.NotFound.Should().BeGreaterThan(10);
        chaotic.ValidationErrors.Should().BeGreaterThan(50);
        chaotic.CorrectPredictions.Should().BeGreaterThan(50);
        chaotic.Attempts.Should().HaveCount(3);
        chaotic.Attempts.Skip(1).Should().AllSatisfy(a => a.Records.Should().BeLessThan(chaotic.Succeeded));
        chaotic.Attempts[0].Records.Should().Be(chaotic.Succeeded, "attempt_1 is always there");
        chaotic.Attempts[1].Pairs.Should().BeLessThan(chaotic.TotalPairs, "some puzzles have no attempt_2 at all");
        chaotic.Attempts[1].Predictions.Should().BeLessThan(chaotic.Attempts[1].Pairs, "some pairs of puzzles that have attempt_2 lack it");
        chaotic.SolvedPairs.Should().BeGreaterThan(chaotic.Attempts[0].CorrectPredictions);
        dataset.GetModel("single-attempt").Attempts.Should().ContainSingle();
    }

    [Fact]
    public async Task WriteSubmissionsAsync_ForTheArcAgi1EvaluationTasks_UsesTheirIdsAndScoresExactly()
    {
        var folder = Path.Combine(Repository.Root, "..", "shared", "data", "arc-agi-1", "evaluation");
        var puzzles = Directory.GetFiles(folder, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(f => ArcTask.Parse(Path.GetFileNameWithoutExtension(f), File.ReadAllBytes(f)))
            .ToList();
        puzzles.Should().HaveCount(400);

        var dataset = await ArcDatasetGenerator.WriteSubmissionsAsync(puzzles, new ArcDatasetGeneratorOptions(), _temp.Combine("d"));

        dataset.PuzzlesDirectory.Should().BeNull();
        dataset.TaskIds.Should().Equal(puzzles.Select(p => p.Id));
        dataset.Models.Should().HaveCount(3);
        foreach (var model in dataset.Models)
        {
            var modelFolder = Path.Combine(dataset.DatasetDirectory, model.Folder);
            Directory.GetFiles(modelFolder, "*.json")
                .Select(Path.GetFileNameWithoutExtension)
                .Where(n => n != "results")
                .Should().BeEquivalentTo(model.Tasks.Where(t => t.Outcome != GeneratedPuzzleOutcome.NotFound).Select(t => t.TaskId));
            (await IndependentScorer.ScoreAsync(modelFolder, puzzles)).ShouldMatch(model);
        }

        var strong = dataset.GetModel("synthetic-large-thinking-high");
        strong.Succeeded.Should().Be(400);
        strong.CorrectPredictions.Should().BeGreaterThan(200);
    }

    [Fact]
    public async Task WriteAsync_MalformedFiles_FailToReadAndMissingFilesAreAbsent()
    {
        var dataset = await ArcDatasetGenerator.WriteAsync(Stressful(200), _temp.Combine("p"), _temp.Combine("d"));
        var model = dataset.GetModel("chaotic");
        var folder = Path.Combine(dataset.DatasetDirectory, model.Folder);
        var truncated = 0;
        var notAnArray = 0;

        foreach (var task in model.Tasks)
        {
            var path = Path.Combine(folder, task.TaskId + ".json");
            switch (task.Outcome)
            {
                case GeneratedPuzzleOutcome.NotFound:
                    File.Exists(path).Should().BeFalse();
                    break;
                case GeneratedPuzzleOutcome.Failed:
                    await using (var stream = File.OpenRead(path))
                    {
                        var read = async () => await SubmissionJson.ReadTaskFileAsync(stream, task.TaskId);
                        await read.Should().ThrowAsync<SubmissionFormatException>();
                    }

                    var text = File.ReadAllText(path);
                    if (text.StartsWith('{'))
                    {
                        notAnArray++;
                    }
                    else
                    {
                        text.Should().StartWith("[");
                        truncated++;
                    }

                    task.Attempts.Should().BeEmpty();
                    break;
                default:
                    File.Exists(path).Should().BeTrue();
                    break;
            }
        }

        truncated.Should().BePositive();
        notAnArray.Should().BePositive();
    }

    [Fact]
    public async Task WriteAsync_OverAnEarlierDataset_DeletesTheFilesThatAreNowMissing()
    {
        var complete = Stressful(80);
        foreach (var profile in complete.Models)
        {
            profile.MissingFileProbability = 0;
        }

        await ArcDatasetGenerator.WriteAsync(complete, _temp.Combine("p"), _temp.Combine("d"));
        var dataset = await ArcDatasetGenerator.WriteAsync(Stressful(80), _temp.Combine("p"), _temp.Combine("d"));

        var model = dataset.GetModel("chaotic");
        model.NotFound.Should().BePositive();
        (await IndependentScorer.ScoreAsync(Path.Combine(dataset.DatasetDirectory, model.Folder), ReadPuzzles(dataset))).ShouldMatch(model);
    }

    [Fact]
    public async Task WriteAsync_InvalidAnswers_AreOfEveryKindAndNeverCorrect()
    {
        var dataset = await ArcDatasetGenerator.WriteAsync(Stressful(200), _temp.Combine("p"), _temp.Combine("d"));
        var attempts = await ReadAttemptsAsync(dataset, "chaotic");

        var errors = attempts.Where(a => a.AnswerError is not null).Select(a => a.AnswerError!).ToList();
        errors.Should().Contain(e => e.Contains("empty", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("ragged", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("colours are 0 to 9", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("31 rows", StringComparison.Ordinal));
        attempts.Where(a => a.AnswerError is not null).Should().AllSatisfy(a => a.ReportedCorrect.Should().BeFalse());
    }

    [Fact]
    public async Task WriteAsync_WrongAnswers_ArePlausible()
    {
        var options = Stressful(150);
        options.Models = [new("wrong") { CorrectProbability = [0, 0] }];
        var dataset = await ArcDatasetGenerator.WriteAsync(options, _temp.Combine("p"), _temp.Combine("d"));
        var puzzles = ReadPuzzles(dataset).ToDictionary(p => p.Id);
        var attempts = await ReadAttemptsAsync(dataset, "wrong");

        dataset.Models[0].CorrectPredictions.Should().Be(0);
        var sameSize = 0;
        var otherSize = 0;
        foreach (var attempt in attempts)
        {
            var expected = puzzles[attempt.TaskId].Test[attempt.PairIndex].Output!;
            attempt.Answer.Should().NotBeNull().And.NotBe(expected);
            if (attempt.Answer!.Height == expected.Height && attempt.Answer.Width == expected.Width)
            {
                sameSize++;
                var changed = 0;
                for (var r = 0; r < expected.Height; r++)
                {
                    for (var c = 0; c < expected.Width; c++)
                    {
                        changed += attempt.Answer[r, c] == expected[r, c] ? 0 : 1;
                    }
                }

                changed.Should().BeInRange(1, 3);
            }
            else
            {
                otherSize++;
                (Math.Abs(attempt.Answer.Height - expected.Height) + Math.Abs(attempt.Answer.Width - expected.Width)).Should().Be(1);
            }
        }

        sameSize.Should().BeGreaterThan(otherSize).And.BeGreaterThan(0);
        otherSize.Should().BePositive();
    }

    [Fact]
    public async Task WriteAsync_CertainProfiles_GiveCertainResults()
    {
        var options = Stressful(30);
        options.Models =
        [
            new("perfect") { CorrectProbability = [1, 1, 1] },
            new("absent") { MissingFileProbability = 1 },
            new("broken") { MalformedFileProbability = 1 },
            new("no-second") { CorrectProbability = [1, 1], NullAttemptProbability = 1 },
        ];

        var dataset = await ArcDatasetGenerator.WriteAsync(options, _temp.Combine("p"), _temp.Combine("d"));

        var perfect = dataset.GetModel("perfect");
        perfect.CorrectPredictions.Should().Be(perfect.TotalPairs * 3);
        perfect.SolvedPairs.Should().Be(perfect.TotalPairs);
        perfect.Attempts.Should().AllSatisfy(a => a.Accuracy.Should().Be(1));
        dataset.GetModel("absent").NotFound.Should().Be(30);
        dataset.GetModel("broken").Failed.Should().Be(30);
        var noSecond = dataset.GetModel("no-second");
        noSecond.AttemptsSaved.Should().Be(30);
        noSecond.Attempts[1].Records.Should().Be(0);
        noSecond.Attempts[1].Accuracy.Should().Be(0);
        File.ReadAllText(Path.Combine(dataset.DatasetDirectory, "no-second", dataset.TaskIds[0] + ".json")).Should().Contain("\"attempt_2\":null");
    }

    [Fact]
    public async Task WriteAsync_Attempts_HaveEveryFieldOfTheRealExampleAndSometimesExtraOnes()
    {
        var example = Path.Combine(Repository.Root, "..", "shared", "data", "arc-agi-benchmarking-sample", "submissions", "example_model", "66e6c45b.json");
        using var real = JsonDocument.Parse(File.ReadAllBytes(example));
        var realPaths = Paths(real.RootElement[0].GetProperty("attempt_1"), string.Empty).ToHashSet();
        var dataset = await ArcDatasetGenerator.WriteAsync(Stressful(60), _temp.Combine("p"), _temp.Combine("d"));
        var attempts = await ReadAttemptsAsync(dataset, "chaotic");

        foreach (var attempt in attempts.Take(50))
        {
            using var generated = JsonDocument.Parse(attempt.RawJson);
            Paths(generated.RootElement, string.Empty).Should().Contain(realPaths);
        }

        attempts.Should().Contain(a => a.RawJson.Contains("\"tool_calls\"", StringComparison.Ordinal)
            && a.RawJson.Contains("\"num_turns\"", StringComparison.Ordinal)
            && a.RawJson.Contains("\"prompt_tokens_details\"", StringComparison.Ordinal));
        attempts.Should().Contain(a => !a.RawJson.Contains("\"tool_calls\"", StringComparison.Ordinal));
        attempts.Should().AllSatisfy(a =>
        {
            a.Model.Should().Be("chaotic");
            a.Provider.Should().Be("synthetic");
            a.UserPrompt.Should().Contain(a.TaskId);
            a.AssistantContent.Should().NotBeNullOrEmpty();
            a.ReasoningSummary.Should().NotBeNullOrEmpty();
            a.TotalTokens.Should().Be(a.PromptTokens!.Value + a.CompletionTokens!.Value);
            a.ReasoningTokens.Should().BeLessThan(a.CompletionTokens!.Value);
            a.ReportedCorrect.Should().NotBeNull();
        });
    }

    [Fact]
    public async Task WriteAsync_Timestamps_AreUtcWithEndAfterStartAndRecordsBackToBack()
    {
        var dataset = await ArcDatasetGenerator.WriteAsync(Stressful(60), _temp.Combine("p"), _temp.Combine("d"));
        var attempts = await ReadAttemptsAsync(dataset, "chaotic");

        foreach (var attempt in attempts)
        {
            using var json = JsonDocument.Parse(attempt.RawJson);
            var metadata = json.RootElement.GetProperty("metadata");
            metadata.GetProperty("start_timestamp").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
            metadata.GetProperty("end_timestamp").GetString().Should().EndWith("Z");
            attempt.EndedAt.Should().BeAfter(attempt.StartedAt!.Value);
            attempt.StartedAt.Should().BeOnOrAfter(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        }

        foreach (var record in dataset.GetModel("chaotic").Tasks.SelectMany(t => t.Attempts))
        {
            (record.EndedAt - record.StartedAt).Should().Be(record.Duration);
        }
    }

    [Fact]
    public async Task WriteAsync_Costs_AreWholeMultiplesOfTwoToTheMinus24()
    {
        var dataset = await ArcDatasetGenerator.WriteAsync(Stressful(40), _temp.Combine("p"), _temp.Combine("d"));
        var attempts = await ReadAttemptsAsync(dataset, "chaotic");

        attempts.Should().AllSatisfy(a =>
        {
            var units = a.TotalCost!.Value * (1 << 24);
            units.Should().Be(Math.Floor(units));
            units.Should().BePositive();
        });
    }

    [Fact]
    public async Task WriteAsync_ResultsFiles_SummariseEachModel()
    {
        var dataset = await ArcDatasetGenerator.WriteAsync(Stressful(50), _temp.Combine("p"), _temp.Combine("d"));

        foreach (var model in dataset.Models)
        {
            using var results = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dataset.DatasetDirectory, model.Folder, "results.json")));
            var root = results.RootElement;
            root.GetProperty("total_tasks").GetInt32().Should().Be(model.Succeeded);
            root.GetProperty("total_cost").GetDouble().Should().Be(model.TotalCost);
            root.GetProperty("total_attempts").GetInt64().Should().Be(model.Predictions);
            root.GetProperty("score").GetDouble().Should().BeInRange(0, 1);
            foreach (var name in new[] { "avg_cost_per_task", "avg_cost_per_attempt", "avg_output_tokens_per_task", "avg_total_tokens_per_task", "avg_duration_per_task", "num_attempts_with_empty_list" })
            {
                root.TryGetProperty(name, out _).Should().BeTrue(name);
            }

            root.GetProperty("task_results").EnumerateObject().Should().HaveCount(model.Succeeded);
        }
    }

    [Fact]
    public async Task WriteAsync_DefaultOptions_MakeADemoWithAStrongAndAWeakModel()
    {
        var dataset = await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions(), _temp.Combine("p"), _temp.Combine("d"));

        dataset.TaskIds.Should().HaveCount(200);
        dataset.Models.Select(m => m.Folder).Should().Equal("synthetic-large-thinking-high", "synthetic-medium", "synthetic-small-baseline");
        var strong = dataset.Models[0];
        var weak = dataset.Models[2];
        strong.Model.Should().Be("synthetic-large");
        strong.Succeeded.Should().Be(200);
        strong.PassRate.Should().BeGreaterThan(0.6);
        weak.PassRate.Should().BeLessThan(0.35);
        weak.NotFound.Should().BePositive();
        weak.Failed.Should().BePositive();
        weak.ValidationErrors.Should().BePositive();
        strong.TotalCost.Should().BeGreaterThan(weak.TotalCost);
        strong.ReasoningTokens.Should().BePositive();
        weak.ReasoningTokens.Should().Be(0);
        foreach (var model in dataset.Models)
        {
            (await IndependentScorer.ScoreAsync(Path.Combine(dataset.DatasetDirectory, model.Folder), ReadPuzzles(dataset))).ShouldMatch(model);
        }
    }

    [Fact]
    public async Task WriteAsync_WithInvalidOptions_NamesEveryProblemAtOnce()
    {
        var options = new ArcDatasetGeneratorOptions
        {
            PuzzleCount = -1,
            TestPairWeights = [0],
            Models = [new("a") { CorrectProbability = [], MissingFileProbability = 1.5 }, new("A")],
        };

        var write = () => ArcDatasetGenerator.WriteAsync(options, _temp.Combine("p"), _temp.Combine("d"));

        var error = (await write.Should().ThrowAsync<ArgumentException>()).Which;
        error.ParamName.Should().Be("options");
        error.Message.Should().Contain("PuzzleCount").And.Contain("TestPairWeights").And.Contain("CorrectProbability")
            .And.Contain("MissingFileProbability").And.Contain("appears twice");
        Directory.Exists(_temp.Combine("p")).Should().BeFalse("nothing is written when the options are invalid");
    }

    [Fact]
    public async Task WriteSubmissionsAsync_WithDuplicateIds_Throws()
    {
        var grid = ArcGrid.Create([[1]]);
        var task = new ArcTask("00000000", [new ArcPair(grid, grid)], [new ArcPair(grid, grid)]);

        var write = () => ArcDatasetGenerator.WriteSubmissionsAsync([task, task], new ArcDatasetGeneratorOptions(), _temp.Combine("d"));

        await write.Should().ThrowAsync<ArgumentException>().WithMessage("*appears twice*");
    }

    [Fact]
    public async Task WriteSubmissionsAsync_ForHiddenTestOutputs_NeverAnswersCorrectly()
    {
        var grid = ArcGrid.Create([[1, 2], [3, 4]]);
        var tasks = Enumerable.Range(0, 20)
            .Select(i => new ArcTask($"{i:x8}", [new ArcPair(grid, grid)], [new ArcPair(grid, null)]))
            .ToList();
        var options = new ArcDatasetGeneratorOptions { Models = [new("m") { CorrectProbability = [1, 1] }] };

        var dataset = await ArcDatasetGenerator.WriteSubmissionsAsync(tasks, options, _temp.Combine("d"));

        dataset.Models[0].Succeeded.Should().Be(20);
        dataset.Models[0].CorrectPredictions.Should().Be(0);
        (await IndependentScorer.ScoreAsync(_temp.Combine("d", "m"), tasks)).ShouldMatch(dataset.Models[0]);
    }

    private static List<ArcTask> ReadPuzzles(GeneratedDataset dataset)
        => dataset.TaskIds.Select(id => ArcTask.Parse(id, File.ReadAllBytes(Path.Combine(dataset.PuzzlesDirectory!, id + ".json")))).ToList();

    private static async Task<List<SubmissionAttempt>> ReadAttemptsAsync(GeneratedDataset dataset, string folder)
    {
        var attempts = new List<SubmissionAttempt>();
        foreach (var task in dataset.GetModel(folder).Tasks.Where(t => t.Outcome == GeneratedPuzzleOutcome.Succeeded))
        {
            await using var stream = File.OpenRead(Path.Combine(dataset.DatasetDirectory, folder, task.TaskId + ".json"));
            attempts.AddRange((await SubmissionJson.ReadTaskFileAsync(stream, task.TaskId)).Attempts);
        }

        attempts.Should().NotBeEmpty();
        return attempts;
    }

    private static Dictionary<string, byte[]> ReadTree(string root)
        => Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);

    /// <summary>Every property path of an object (<c>metadata.usage.prompt_tokens</c>), arrays entered at their first element.</summary>
    private static IEnumerable<string> Paths(JsonElement element, string prefix)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                var path = prefix.Length == 0 ? property.Name : prefix + "." + property.Name;
                yield return path;
                if (property.Name != "answer")
                {
                    foreach (var inner in Paths(property.Value, path))
                    {
                        yield return inner;
                    }
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() > 0)
        {
            foreach (var inner in Paths(element[0], prefix + "[]"))
            {
                yield return inner;
            }
        }
    }
}
