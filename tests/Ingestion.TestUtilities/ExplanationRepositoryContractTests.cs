using FluentAssertions;
using Ingestion.HuggingFace;
using Xunit;

namespace Ingestion.TestUtilities;

/// <summary>
/// What every <see cref="IExplanationRepository"/> must do, whatever it keeps its records in. A repository's test class
/// inherits this and says how to make a fresh, empty repository; xunit makes one per test.
/// </summary>
/// <remarks>
/// Timestamps and durations here are whole milliseconds: a database column may keep no more (PostgreSQL keeps
/// microseconds).
/// </remarks>
public abstract class ExplanationRepositoryContractTests : ContractTests<IExplanationRepository>
{
    private static readonly DateTimeOffset Epoch = new(2026, 12, 2, 14, 5, 9, 321, TimeSpan.Zero);

    /// <summary>Gets the repository made for this test.</summary>
    protected IExplanationRepository Repository => Subject;

    /// <summary>Makes a fresh, empty repository for one test.</summary>
    protected abstract Task<IExplanationRepository> CreateRepositoryAsync();

    /// <inheritdoc />
    protected sealed override Task<IExplanationRepository> CreateSubjectAsync() => CreateRepositoryAsync();

    [Fact]
    public async Task CommitOfOneRecord_ThenGet_ReturnsTheRecordWithEveryFieldEqual()
    {
        var saved = FullRecord("puzzle-a", "model-x", 1);

        await Repository.SaveAsync(saved);
        var read = await Repository.GetAsync("puzzle-a", "model-x-attempt1");

        ShouldEqual(read, saved);
        read!.Predictions.Select(p => p.PairIndex).Should().Equal(0, 1, 2);
        read.Predictions[0].Predicted.Should().Be(saved.Predictions[0].Predicted, "grids compare by value");
        read.Predictions[1].Predicted.Should().BeNull();
    }

    [Fact]
    public async Task CommitOfOneRecord_ThenGet_KeepsNullsAndEmptiesAsTheyWere()
    {
        var saved = new ExplanationRecord
        {
            PuzzleId = "puzzle-bare",
            ModelName = "m-attempt2",
            ModelFolder = "m",
            AttemptNumber = 2,
            Dataset = "d",
            Source = "ARC2-Eval",
            TestPairs = 1,
            Predictions = [],
        };

        await Repository.SaveAsync(saved);
        var read = await Repository.GetAsync("puzzle-bare", "m-attempt2");

        ShouldEqual(read, saved);
        read!.Predictions.Should().BeEmpty();
        read.Model.Should().BeNull();
        read.Provider.Should().BeNull();
        read.JobId.Should().BeNull();
    }

    [Fact]
    public async Task CommitOfTheSameRecordTwice_IsIdempotent()
    {
        var record = FullRecord("puzzle-a", "model-x", 1);

        await Repository.SaveAsync(record);
        await Repository.SaveAsync(record);

        ShouldEqual(await Repository.GetAsync("puzzle-a", "model-x-attempt1"), record);
        (await Repository.CountByModelNameAsync()).Should().Equal(new Dictionary<string, long> { ["model-x-attempt1"] = 1 });
        (await Repository.GetModelNamesAsync("puzzle-a")).Should().BeEquivalentTo(["model-x-attempt1"]);
    }

    [Fact]
    public async Task CommitOnTheSameKey_ReplacesEveryField()
    {
        await Repository.SaveAsync(FullRecord("puzzle-a", "model-x", 1));
        var replacement = new ExplanationRecord
        {
            PuzzleId = "puzzle-a",
            ModelName = "model-x-attempt1",
            ModelFolder = "model-x",
            AttemptNumber = 1,
            Dataset = "other/dataset",
            Source = "ARC1-Train",
            TestPairs = 1,
            Predictions = [new PredictionResult { PairIndex = 0, Predicted = ArcGrid.Create([[9]]), IsCorrect = true }],
            Model = "replacement-model",
            Cost = 0.001,
            IngestedAt = Epoch.AddDays(1),
        };

        await Repository.SaveAsync(replacement);

        ShouldEqual(await Repository.GetAsync("puzzle-a", "model-x-attempt1"), replacement);
        (await Repository.CountByModelNameAsync()).Should().Equal(new Dictionary<string, long> { ["model-x-attempt1"] = 1 });
    }

    [Fact]
    public async Task CommitsOfDifferentKeys_KeepEachRecord()
    {
        var a1 = FullRecord("puzzle-a", "model-x", 1);
        var a2 = FullRecord("puzzle-a", "model-x", 2);
        var b1 = FullRecord("puzzle-b", "model-x", 1);
        var aUpper = FullRecord("puzzle-a", "Model-X", 1);

        foreach (var record in new[] { a1, a2, b1, aUpper })
        {
            await Repository.SaveAsync(record);
        }

        ShouldEqual(await Repository.GetAsync("puzzle-a", "model-x-attempt1"), a1);
        ShouldEqual(await Repository.GetAsync("puzzle-a", "model-x-attempt2"), a2);
        ShouldEqual(await Repository.GetAsync("puzzle-b", "model-x-attempt1"), b1);
        ShouldEqual(await Repository.GetAsync("puzzle-a", "Model-X-attempt1"), aUpper);
        (await Repository.GetModelNamesAsync("puzzle-a")).Should().BeEquivalentTo(["model-x-attempt1", "model-x-attempt2", "Model-X-attempt1"], "model names compare ordinally");
    }

    [Fact]
    public async Task Get_OfAnUnknownKey_ReturnsNull()
    {
        await Repository.SaveAsync(FullRecord("puzzle-a", "model-x", 1));

        (await Repository.GetAsync("puzzle-a", "model-x-attempt2")).Should().BeNull();
        (await Repository.GetAsync("puzzle-b", "model-x-attempt1")).Should().BeNull();
        (await Repository.GetAsync("PUZZLE-A", "model-x-attempt1")).Should().BeNull("puzzle ids compare ordinally");
    }

    [Fact]
    public async Task Get_FindsAStoredKeyOnly()
    {
        await Repository.SaveAsync(FullRecord("puzzle-a", "model-x", 1));

        (await Repository.HasAsync("puzzle-a", "model-x-attempt1")).Should().BeTrue();
        (await Repository.HasAsync("puzzle-a", "model-x-attempt2")).Should().BeFalse();
        (await Repository.HasAsync("puzzle-b", "model-x-attempt1")).Should().BeFalse();
    }

    [Fact]
    public async Task GetModelNames_ReturnsThePuzzlesNamesOnly_AndNoneForAnUnknownPuzzle()
    {
        await Repository.SaveAsync(FullRecord("puzzle-a", "model-x", 1));
        await Repository.SaveAsync(FullRecord("puzzle-a", "model-y", 2));
        await Repository.SaveAsync(FullRecord("puzzle-b", "model-z", 1));

        (await Repository.GetModelNamesAsync("puzzle-a")).Should().BeEquivalentTo(["model-x-attempt1", "model-y-attempt2"]);
        (await Repository.GetModelNamesAsync("puzzle-unknown")).Should().BeEmpty();
    }

    [Fact]
    public async Task Delete_RemovesThatRecordOnly_AndSaysWhetherThereWasOne()
    {
        var kept = FullRecord("puzzle-a", "model-x", 2);
        await Repository.SaveAsync(FullRecord("puzzle-a", "model-x", 1));
        await Repository.SaveAsync(kept);

        (await Repository.DeleteAsync("puzzle-a", "model-x-attempt1")).Should().BeTrue();
        (await Repository.DeleteAsync("puzzle-a", "model-x-attempt1")).Should().BeFalse("it is gone");
        (await Repository.DeleteAsync("puzzle-unknown", "model-x-attempt1")).Should().BeFalse();

        (await Repository.HasAsync("puzzle-a", "model-x-attempt1")).Should().BeFalse();
        (await Repository.GetAsync("puzzle-a", "model-x-attempt1")).Should().BeNull();
        (await Repository.GetModelNamesAsync("puzzle-a")).Should().BeEquivalentTo(["model-x-attempt2"]);
        ShouldEqual(await Repository.GetAsync("puzzle-a", "model-x-attempt2"), kept);
        (await Repository.CountByModelNameAsync()).Should().Equal(new Dictionary<string, long> { ["model-x-attempt2"] = 1 });
    }

    [Fact]
    public async Task Delete_ThenCommit_StoresTheRecordAgain()
    {
        var record = FullRecord("puzzle-a", "model-x", 1);
        await Repository.SaveAsync(record);
        await Repository.DeleteAsync("puzzle-a", "model-x-attempt1");

        await Repository.SaveAsync(record);

        ShouldEqual(await Repository.GetAsync("puzzle-a", "model-x-attempt1"), record);
    }

    [Fact]
    public async Task Commit_WritesTheRecordsAndTheCheckpointTogether()
    {
        var records = new[] { FullRecord("puzzle-a", "model-x", 1), FullRecord("puzzle-a", "model-x", 2) };

        await Repository.CommitAsync(new ExplanationCommit(records, "job-1", "after puzzle-a"));

        ShouldEqual(await Repository.GetAsync("puzzle-a", "model-x-attempt1"), records[0]);
        ShouldEqual(await Repository.GetAsync("puzzle-a", "model-x-attempt2"), records[1]);
        (await Repository.GetCheckpointAsync("job-1")).Should().Be("after puzzle-a");
    }

    [Fact]
    public async Task Commit_ReplacesRecordsOnTheSameKey()
    {
        await Repository.SaveAsync(FullRecord("puzzle-a", "model-x", 1));
        var replacement = FullRecord("puzzle-a", "model-x", 1, cost: 99.5);

        await Repository.CommitAsync(new ExplanationCommit([replacement], "job-1", "again"));

        ShouldEqual(await Repository.GetAsync("puzzle-a", "model-x-attempt1"), replacement);
        (await Repository.CountByModelNameAsync()).Should().Equal(new Dictionary<string, long> { ["model-x-attempt1"] = 1 });
    }

    [Fact]
    public async Task GetCheckpoint_ReturnsTheLastCommittedOne_PerJob()
    {
        await Repository.CommitAsync(new ExplanationCommit([FullRecord("puzzle-a", "model-x", 1)], "job-1", "one"));
        await Repository.CommitAsync(new ExplanationCommit([FullRecord("puzzle-b", "model-x", 1)], "job-2", "other job"));
        await Repository.CommitAsync(new ExplanationCommit([FullRecord("puzzle-c", "model-x", 1)], "job-1", "two"));

        (await Repository.GetCheckpointAsync("job-1")).Should().Be("two");
        (await Repository.GetCheckpointAsync("job-2")).Should().Be("other job");
    }

    [Fact]
    public async Task GetCheckpoint_OfAJobThatCommittedNone_IsNull()
    {
        await Repository.CommitAsync(new ExplanationCommit([FullRecord("puzzle-a", "model-x", 1)], "job-1", "one"));

        (await Repository.GetCheckpointAsync("job-unknown")).Should().BeNull();
        (await Repository.GetCheckpointAsync("JOB-1")).Should().BeNull("job ids compare ordinally");
    }

    [Fact]
    public async Task Commit_WithoutRecords_StillMovesTheCheckpoint()
    {
        await Repository.CommitAsync(new ExplanationCommit([FullRecord("puzzle-a", "model-x", 1)], "job-1", "one"));

        await Repository.CommitAsync(new ExplanationCommit([], "job-1", "puzzle-b not found"));

        (await Repository.GetCheckpointAsync("job-1")).Should().Be("puzzle-b not found");
        (await Repository.CountByModelNameAsync()).Should().Equal(new Dictionary<string, long> { ["model-x-attempt1"] = 1 });
    }

    [Fact]
    public async Task Commit_OfRecordsOnly_LeavesTheCheckpoint()
    {
        await Repository.CommitAsync(new ExplanationCommit([FullRecord("puzzle-a", "model-x", 1)], "job-1", "one"));
        var withoutJob = FullRecord("puzzle-b", "model-x", 1);
        var withoutCheckpoint = FullRecord("puzzle-c", "model-x", 1);

        await Repository.CommitAsync(new ExplanationCommit([withoutJob]));
        await Repository.CommitAsync(new ExplanationCommit([withoutCheckpoint], "job-1", null));

        (await Repository.GetCheckpointAsync("job-1")).Should().Be("one");
        ShouldEqual(await Repository.GetAsync("puzzle-b", "model-x-attempt1"), withoutJob);
        ShouldEqual(await Repository.GetAsync("puzzle-c", "model-x-attempt1"), withoutCheckpoint);
    }

    [Fact]
    public async Task Commit_WithACancelledToken_ThrowsOperationCanceled_AndWritesNothing()
    {
        var commit = async () => await Repository.CommitAsync(
            new ExplanationCommit([FullRecord("puzzle-a", "model-x", 1)], "job-1", "one"),
            new CancellationToken(canceled: true));

        await commit.Should().ThrowAsync<OperationCanceledException>();
        (await Repository.HasAsync("puzzle-a", "model-x-attempt1")).Should().BeFalse();
        (await Repository.GetCheckpointAsync("job-1")).Should().BeNull();
    }

    [Fact]
    public async Task CountByModelName_CountsEveryModelNameThatHasRecords()
    {
        (await Repository.CountByModelNameAsync()).Should().BeEmpty();
        for (var p = 0; p < 5; p++)
        {
            await Repository.SaveAsync(FullRecord($"puzzle-{p}", "model-x", 1));
            if (p % 2 == 0)
            {
                await Repository.SaveAsync(FullRecord($"puzzle-{p}", "model-x", 2));
            }
        }

        await Repository.SaveAsync(FullRecord("puzzle-9", "model-y", 1));

        (await Repository.CountByModelNameAsync()).Should().Equal(new Dictionary<string, long>
        {
            ["model-x-attempt1"] = 5,
            ["model-x-attempt2"] = 3,
            ["model-y-attempt1"] = 1,
        });
    }

    [Fact]
    public async Task Commit_Null_ThrowsArgumentNull()
    {
        var commit = async () => await Repository.CommitAsync(null!);

        await commit.Should().ThrowAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task Commit_FromSeveralTasksAtOnce_AllLand_AndEachJobKeepsItsLastCheckpoint()
    {
        const int Jobs = 8;
        const int PuzzlesPerJob = 20;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each job commits its own puzzles in order, as the ingestion does; the jobs run together.
        var jobs = Enumerable.Range(0, Jobs).Select(j => Task.Run(async () =>
        {
            await go.Task;
            for (var p = 0; p < PuzzlesPerJob; p++)
            {
                var records = new[] { SmallRecord($"j{j}-p{p}", $"model{j}", 1, $"job-{j}"), SmallRecord($"j{j}-p{p}", $"model{j}", 2, $"job-{j}") };
                await Repository.CommitAsync(new ExplanationCommit(records, $"job-{j}", $"after {p}"));
            }
        })).ToArray();
        go.SetResult();
        await Task.WhenAll(jobs).WaitAsync(Wait.Timeout);

        var counts = await Repository.CountByModelNameAsync();
        counts.Should().HaveCount(Jobs * 2);
        for (var j = 0; j < Jobs; j++)
        {
            counts[$"model{j}-attempt1"].Should().Be(PuzzlesPerJob);
            counts[$"model{j}-attempt2"].Should().Be(PuzzlesPerJob);
            (await Repository.GetCheckpointAsync($"job-{j}")).Should().Be($"after {PuzzlesPerJob - 1}");
            for (var p = 0; p < PuzzlesPerJob; p++)
            {
                (await Repository.GetModelNamesAsync($"j{j}-p{p}")).Should().BeEquivalentTo([$"model{j}-attempt1", $"model{j}-attempt2"]);
            }
        }
    }

    /// <summary>Asserts that a record read back equals the one stored, field by field, predictions and grids included.</summary>
    protected static void ShouldEqual(ExplanationRecord? read, ExplanationRecord saved)
    {
        read.Should().NotBeNull();
        read.Should().BeEquivalentTo(saved, static o => o.WithStrictOrdering());
    }

    private static ExplanationRecord FullRecord(string puzzleId, string modelFolder, int attempt, double cost = 0.0123) => new()
    {
        PuzzleId = puzzleId,
        ModelName = $"{modelFolder}-attempt{attempt}",
        ModelFolder = modelFolder,
        AttemptNumber = attempt,
        Dataset = "arcprize/arc_agi_v1_public_eval",
        Source = "ARC1-Eval",
        TestPairs = 4,
        Predictions =
        [
            new PredictionResult
            {
                PairIndex = 0,
                Predicted = ArcGrid.Create([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 0, 1]]),
                IsCorrect = true,
                UserPrompt = "Solve the puzzle.\nTraining pairs follow — ünïcödé included.",
                AssistantContent = "[[0,1,2],[3,4,5],[6,7,8],[9,0,1]]",
                ReasoningSummary = "Rotate, then recolour.",
                RawJson = """{"answer":[[0,1,2],[3,4,5],[6,7,8],[9,0,1]],"metadata":{"model":"m","cost":0.01}}""",
            },
            new PredictionResult
            {
                PairIndex = 1,
                Predicted = null,
                IsCorrect = false,
                ValidationError = "The grid is ragged: row 0 has 2 cells, row 1 has 3.",
                AssistantContent = "[[1,2],[3,4,5]]",
                RawJson = """{"answer":[[1,2],[3,4,5]]}""",
            },
            new PredictionResult
            {
                PairIndex = 2,
                Predicted = ArcGrid.Create([[5]]),
                IsCorrect = false,
                UserPrompt = "Pair 3",
            },
        ],
        Model = "model-x-2025-01",
        Provider = "provider \"quoted\"",
        PromptTokens = 12_345,
        CompletionTokens = 678,
        ReasoningTokens = 4_000_000_000,
        TotalTokens = 4_000_013_023,
        Cost = cost,
        Duration = TimeSpan.FromMilliseconds(83_456),
        JobId = "job-writer",
        IngestedAt = Epoch.AddMilliseconds(attempt),
    };

    private static ExplanationRecord SmallRecord(string puzzleId, string modelFolder, int attempt, string jobId) => new()
    {
        PuzzleId = puzzleId,
        ModelName = $"{modelFolder}-attempt{attempt}",
        ModelFolder = modelFolder,
        AttemptNumber = attempt,
        Dataset = "d",
        Source = "ARC1-Eval",
        TestPairs = 1,
        Predictions = [new PredictionResult { PairIndex = 0, Predicted = ArcGrid.Create([[attempt]]), IsCorrect = attempt == 1 }],
        JobId = jobId,
        IngestedAt = Epoch,
    };
}
