using System.Text.Json;
using FluentAssertions;
using FluentAssertions.Equivalency;
using Ingestion.Core;
using Xunit;

namespace Ingestion.TestUtilities;

/// <summary>
/// What every <see cref="IJobStore"/> must do, whatever it keeps its jobs in. A store's test class inherits this and
/// says how to make a fresh, empty store; xunit makes one per test.
/// </summary>
/// <remarks>
/// Timestamps and durations here are whole milliseconds: a database column may keep no more (PostgreSQL keeps
/// microseconds), and the history does not need more.
/// </remarks>
public abstract class JobStoreContractTests : ContractTests<IJobStore>
{
    private static readonly DateTimeOffset Epoch = new(2026, 12, 1, 8, 30, 15, 123, TimeSpan.Zero);

    /// <summary>Gets the store made for this test.</summary>
    protected IJobStore Store => Subject;

    /// <summary>Every job state, for the round-trip theory.</summary>
    public static TheoryData<JobState> AllStates => [.. Enum.GetValues<JobState>()];

    /// <summary>Makes a fresh, empty store for one test.</summary>
    protected abstract Task<IJobStore> CreateStoreAsync();

    /// <inheritdoc />
    protected sealed override Task<IJobStore> CreateSubjectAsync() => CreateStoreAsync();

    [Theory]
    [MemberData(nameof(AllStates))]
    public async Task Save_ThenGet_ReturnsTheSnapshotWithEveryFieldEqual(JobState state)
    {
        var saved = FullSnapshot("job-full", state);

        await Store.SaveAsync(saved, CancellationToken.None);
        var read = await Store.GetAsync("job-full", CancellationToken.None);

        ShouldEqual(read, saved);
    }

    [Fact]
    public async Task Save_ThenGet_KeepsNullsAndEmptiesAsTheyWere()
    {
        var saved = new JobSnapshot { Id = "job-bare", Kind = "bare", State = JobState.Queued, CreatedAt = Epoch };

        await Store.SaveAsync(saved, CancellationToken.None);
        var read = await Store.GetAsync("job-bare", CancellationToken.None);

        ShouldEqual(read, saved);
        read!.Name.Should().BeNull();
        read.StartedAt.Should().BeNull("a job that has not started has no start time");
        read.FinishedAt.Should().BeNull("a job that has not finished has no finish time");
        read.Error.Should().BeNull();
        read.Checkpoint.Should().BeNull();
        read.Parameters.ValueKind.Should().Be(JsonValueKind.Object);
        read.Parameters.EnumerateObject().Should().BeEmpty();
        read.Results.Should().BeEmpty();
        read.Progress.Counters.Should().BeEmpty();
        read.Progress.Total.Should().BeNull();
        read.Progress.EstimatedRemaining.Should().BeNull();
        read.Progress.PercentComplete.Should().BeNull();
    }

    [Fact]
    public async Task Save_WhileRunning_ThenFinished_KeepsTheStartAndAddsTheFinish()
    {
        var running = FullSnapshot("job-run", JobState.Running, finished: false);
        await Store.SaveAsync(running, CancellationToken.None);
        (await Store.GetAsync("job-run", CancellationToken.None))!.FinishedAt.Should().BeNull();

        var completed = FullSnapshot("job-run", JobState.Completed);
        await Store.SaveAsync(completed, CancellationToken.None);

        ShouldEqual(await Store.GetAsync("job-run", CancellationToken.None), completed);
    }

    [Fact]
    public async Task Save_Again_ReplacesTheRecord_WithoutADuplicate()
    {
        await Store.SaveAsync(FullSnapshot("job-1", JobState.Running, finished: false), CancellationToken.None);
        var last = new JobSnapshot
        {
            Id = "job-1",
            Kind = "import",
            Name = "renamed",
            State = JobState.Failed,
            Parameters = Json("""{"dataset":"other","limit":3}"""),
            Progress = new JobProgress { Processed = 99, Counters = new Dictionary<string, long>(StringComparer.Ordinal) { ["only"] = 1 } },
            CreatedAt = Epoch,
            StartedAt = Epoch.AddSeconds(2),
            FinishedAt = Epoch.AddSeconds(9),
            Error = new JobError { Type = "System.IO.IOException", Message = "disk full" },
            Checkpoint = "second",
            Results = new Dictionary<string, double>(StringComparer.Ordinal) { ["cost"] = 0.5 },
            RunCount = 2,
            LastSeq = 400,
        };

        await Store.SaveAsync(last, CancellationToken.None);

        ShouldEqual(await Store.GetAsync("job-1", CancellationToken.None), last);
        var page = await Store.QueryAsync(new JobHistoryQuery(), CancellationToken.None);
        page.TotalCount.Should().Be(1);
        page.Items.Should().ContainSingle().Which.State.Should().Be(JobState.Failed);
    }

    [Fact]
    public async Task Save_Again_WithFewerCountersAndResults_DropsTheOldOnes()
    {
        await Store.SaveAsync(FullSnapshot("job-1", JobState.Running, finished: false), CancellationToken.None);
        var bare = new JobSnapshot { Id = "job-1", Kind = "import", State = JobState.Interrupted, CreatedAt = Epoch };

        await Store.SaveAsync(bare, CancellationToken.None);

        ShouldEqual(await Store.GetAsync("job-1", CancellationToken.None), bare);
    }

    [Fact]
    public async Task Get_UnknownId_ReturnsNull()
    {
        await Store.SaveAsync(FullSnapshot("job-known", JobState.Completed), CancellationToken.None);

        (await Store.GetAsync("job-unknown", CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Get_MatchesTheIdExactly()
    {
        await Store.SaveAsync(FullSnapshot("abc", JobState.Completed), CancellationToken.None);

        (await Store.GetAsync("ABC", CancellationToken.None)).Should().BeNull("ids compare ordinally");
        (await Store.GetAsync("ab", CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Query_OnAnEmptyStore_ReturnsAnEmptyPage()
    {
        var page = await Store.QueryAsync(new JobHistoryQuery(), CancellationToken.None);

        page.Items.Should().BeEmpty();
        page.TotalCount.Should().Be(0);
        page.Offset.Should().Be(0);
        page.Limit.Should().Be(50);
    }

    [Fact]
    public async Task Query_ReturnsNewestFirst_ByCreationTime_NotBySaveOrder()
    {
        // Saved out of order, so that a store returning rows as inserted fails.
        foreach (var i in new[] { 3, 0, 4, 1, 2 })
        {
            await Store.SaveAsync(Job($"job{i}", "import", JobState.Completed, i), CancellationToken.None);
        }

        var page = await Store.QueryAsync(new JobHistoryQuery(), CancellationToken.None);

        page.Items.Select(j => j.Id).Should().Equal("job4", "job3", "job2", "job1", "job0");
        page.TotalCount.Should().Be(5);
    }

    [Fact]
    public async Task Query_ReturnsFullSnapshots()
    {
        var saved = FullSnapshot("job-full", JobState.Paused, finished: false);
        await Store.SaveAsync(saved, CancellationToken.None);

        var page = await Store.QueryAsync(new JobHistoryQuery(), CancellationToken.None);

        ShouldEqual(page.Items.Should().ContainSingle().Subject, saved);
    }

    [Fact]
    public async Task Query_PagesByOffsetAndLimit_WithTheTotalOfAllMatches()
    {
        await SaveHistoryAsync(30);

        var page = await Store.QueryAsync(new JobHistoryQuery { Offset = 5, Limit = 10 }, CancellationToken.None);

        page.Items.Select(j => j.Id).Should().Equal(Enumerable.Range(15, 10).Reverse().Select(Id));
        page.TotalCount.Should().Be(30);
        page.Offset.Should().Be(5);
        page.Limit.Should().Be(10);
    }

    [Fact]
    public async Task Query_PagesTogether_ListEveryJobOnce()
    {
        await SaveHistoryAsync(30);

        var ids = new List<string>();
        for (var offset = 0; offset < 30; offset += 7)
        {
            var page = await Store.QueryAsync(new JobHistoryQuery { Offset = offset, Limit = 7 }, CancellationToken.None);
            page.TotalCount.Should().Be(30);
            ids.AddRange(page.Items.Select(j => j.Id));
        }

        ids.Should().Equal(Enumerable.Range(0, 30).Reverse().Select(Id));
    }

    [Fact]
    public async Task Query_LastPage_IsShort_AndAPageBeyondTheEndIsEmpty_WithTheTotalStillRight()
    {
        await SaveHistoryAsync(12);

        var last = await Store.QueryAsync(new JobHistoryQuery { Offset = 10, Limit = 5 }, CancellationToken.None);
        var beyond = await Store.QueryAsync(new JobHistoryQuery { Offset = 40, Limit = 5 }, CancellationToken.None);

        last.Items.Select(j => j.Id).Should().Equal(Id(1), Id(0));
        last.TotalCount.Should().Be(12);
        beyond.Items.Should().BeEmpty();
        beyond.TotalCount.Should().Be(12);
        beyond.Offset.Should().Be(40);
    }

    [Fact]
    public async Task Query_ByOneState_ReturnsOnlyThatState()
    {
        await SaveHistoryAsync(30);

        var page = await Store.QueryAsync(new JobHistoryQuery { States = [JobState.Paused] }, CancellationToken.None);

        page.Items.Should().OnlyContain(j => j.State == JobState.Paused);
        page.Items.Select(j => j.Id).Should().Equal(Expected(30, j => StateOf(j) == JobState.Paused));
        page.TotalCount.Should().Be(page.Items.Count);
    }

    [Fact]
    public async Task Query_BySeveralStates_ReturnsAnyOfThem_NewestFirst()
    {
        await SaveHistoryAsync(30);
        JobState[] states = [JobState.Cancelled, JobState.Interrupted, JobState.Failed];

        var page = await Store.QueryAsync(new JobHistoryQuery { States = states, Limit = 4 }, CancellationToken.None);

        var expected = Expected(30, j => states.Contains(StateOf(j)));
        page.Items.Select(j => j.Id).Should().Equal(expected.Take(4));
        page.TotalCount.Should().Be(expected.Count);
    }

    [Fact]
    public async Task Query_WithAnEmptyStateList_ReturnsEveryState()
    {
        await SaveHistoryAsync(16);

        var page = await Store.QueryAsync(new JobHistoryQuery { States = [] }, CancellationToken.None);

        page.TotalCount.Should().Be(16);
        page.Items.Select(j => j.State).Distinct().Should().BeEquivalentTo(Enum.GetValues<JobState>());
    }

    [Fact]
    public async Task Query_ByKind_ReturnsOnlyThatKind_ComparedExactly()
    {
        await SaveHistoryAsync(30);
        await Store.SaveAsync(Job("job-upper", "IMPORT", JobState.Completed, 100), CancellationToken.None);

        var page = await Store.QueryAsync(new JobHistoryQuery { Kind = "import" }, CancellationToken.None);

        page.Items.Select(j => j.Id).Should().Equal(Expected(30, j => KindOf(j) == "import"));
        page.TotalCount.Should().Be(10, "kinds compare ordinally, so IMPORT is another kind");
    }

    [Fact]
    public async Task Query_ByUnknownKind_ReturnsNothing()
    {
        await SaveHistoryAsync(6);

        var page = await Store.QueryAsync(new JobHistoryQuery { Kind = "nothing-like-it" }, CancellationToken.None);

        page.Items.Should().BeEmpty();
        page.TotalCount.Should().Be(0);
    }

    [Fact]
    public async Task Query_ByKindAndStates_AppliesBoth_ThenPages()
    {
        await SaveHistoryAsync(48);
        JobState[] states = [JobState.Completed, JobState.Failed];

        var page = await Store.QueryAsync(new JobHistoryQuery { Kind = "export", States = states, Offset = 1, Limit = 2 }, CancellationToken.None);

        var expected = Expected(48, j => KindOf(j) == "export" && states.Contains(StateOf(j)));
        expected.Should().HaveCountGreaterThan(3, "the test needs more matches than one page");
        page.Items.Select(j => j.Id).Should().Equal(expected.Skip(1).Take(2));
        page.TotalCount.Should().Be(expected.Count);
    }

    [Fact]
    public async Task Query_ByParameter_MatchesTopLevelStringsExactly_AndCombinesWithStates()
    {
        async Task SaveAsync(string id, int minute, JobState state, string parameters)
            => await Store.SaveAsync(Job(id, "import", state, minute, parameters: parameters), CancellationToken.None);

        await SaveAsync("a", 0, JobState.Completed, """{"dataset":"arcprize/v1","modelFolder":"m1"}""");
        await SaveAsync("b", 1, JobState.Failed, """{"dataset":"arcprize/v1","modelFolder":"m2"}""");
        await SaveAsync("c", 2, JobState.Completed, """{"dataset":"arcprize/v2","modelFolder":"m1"}""");
        await SaveAsync("d", 3, JobState.Completed, """{"dataset":"ARCPRIZE/V1"}""");
        await SaveAsync("e", 4, JobState.Completed, """{"dataset":["arcprize/v1"]}""");
        await SaveAsync("f", 5, JobState.Completed, """{"nested":{"dataset":"arcprize/v1"}}""");
        await SaveAsync("g", 6, JobState.Completed, """{"limit":5}""");
        await SaveAsync("h", 7, JobState.Completed, "{}");

        async Task<IEnumerable<string>> IdsAsync(JobHistoryQuery query) => (await Store.QueryAsync(query, CancellationToken.None)).Items.Select(j => j.Id);

        (await IdsAsync(new JobHistoryQuery { Parameters = new Dictionary<string, string> { ["dataset"] = "arcprize/v1" } }))
            .Should().Equal(["b", "a"], "only a top-level string equal to the value matches: not another case, an array or a nested value");
        (await IdsAsync(new JobHistoryQuery { Parameters = new Dictionary<string, string> { ["dataset"] = "arcprize/v1", ["modelFolder"] = "m1" } }))
            .Should().Equal(["a"], "every filter applies");
        (await IdsAsync(new JobHistoryQuery { Parameters = new Dictionary<string, string> { ["dataset"] = "arcprize/v1" }, States = [JobState.Completed] }))
            .Should().Equal(["a"]);
        (await IdsAsync(new JobHistoryQuery { Parameters = new Dictionary<string, string> { ["limit"] = "5" } }))
            .Should().BeEmpty("a number is not the string \"5\"");
        var page = await Store.QueryAsync(new JobHistoryQuery { Parameters = new Dictionary<string, string> { ["dataset"] = "arcprize/v2" } }, CancellationToken.None);
        page.TotalCount.Should().Be(1);
        (await IdsAsync(new JobHistoryQuery { Parameters = new Dictionary<string, string>() })).Should().HaveCount(8, "an empty filter filters nothing");
    }

    [Theory]
    [InlineData("data set")]
    [InlineData("9lives")]
    [InlineData("a'b")]
    [InlineData("a.b")]
    [InlineData("")]
    public async Task Query_ByParameter_WithAMalformedName_IsRefused(string name)
    {
        var query = new JobHistoryQuery { Parameters = new Dictionary<string, string> { [name] = "x" } };

        var act = async () => await Store.QueryAsync(query, CancellationToken.None);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*parameter name*");
    }

    [Fact]
    public async Task Query_SeesAStateChange_OfAReplacedJob()
    {
        await Store.SaveAsync(Job("job-1", "import", JobState.Running, 0), CancellationToken.None);
        await Store.SaveAsync(Job("job-1", "import", JobState.Completed, 0), CancellationToken.None);

        var running = await Store.QueryAsync(new JobHistoryQuery { States = [JobState.Running] }, CancellationToken.None);
        var completed = await Store.QueryAsync(new JobHistoryQuery { States = [JobState.Completed] }, CancellationToken.None);

        running.TotalCount.Should().Be(0);
        completed.Items.Select(j => j.Id).Should().Equal("job-1");
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, 0)]
    [InlineData(0, JobHistoryQuery.MaxLimit + 1)]
    public async Task Query_WithPagingOutOfRange_Throws(int offset, int limit)
    {
        var query = async () => await Store.QueryAsync(new JobHistoryQuery { Offset = offset, Limit = limit }, CancellationToken.None);

        await query.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task Query_WithTheLargestLimit_IsAllowed()
    {
        await SaveHistoryAsync(3);

        var page = await Store.QueryAsync(new JobHistoryQuery { Limit = JobHistoryQuery.MaxLimit }, CancellationToken.None);

        page.Items.Should().HaveCount(3);
    }

    [Fact]
    public async Task Save_WithACancelledToken_ThrowsOperationCanceled_AndStoresNothing()
    {
        var save = async () => await Store.SaveAsync(FullSnapshot("job-1", JobState.Running), new CancellationToken(canceled: true));

        await save.Should().ThrowAsync<OperationCanceledException>();
        (await Store.GetAsync("job-1", CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Save_Null_ThrowsArgumentNull()
    {
        var save = async () => await Store.SaveAsync(null!, CancellationToken.None);

        await save.Should().ThrowAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task Save_OfDifferentJobsFromSeveralThreadsAtOnce_AllLand()
    {
        const int Writers = 8;
        const int JobsPerWriter = 25;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each writer saves its own jobs, each twice in order (as the manager does); the writers run together.
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            await go.Task;
            for (var i = 0; i < JobsPerWriter; i++)
            {
                var minute = (w * JobsPerWriter) + i;
                await Store.SaveAsync(Job($"w{w}-{i}", $"kind{w}", JobState.Running, minute), CancellationToken.None);
                await Store.SaveAsync(Job($"w{w}-{i}", $"kind{w}", JobState.Completed, minute, checkpoint: $"done {w} {i}"), CancellationToken.None);
            }
        })).ToArray();
        go.SetResult();
        await Task.WhenAll(writers).WaitAsync(Wait.Timeout);

        var all = await Store.QueryAsync(new JobHistoryQuery { Limit = JobHistoryQuery.MaxLimit }, CancellationToken.None);
        all.TotalCount.Should().Be(Writers * JobsPerWriter);
        all.Items.Should().HaveCount(Writers * JobsPerWriter).And.OnlyContain(j => j.State == JobState.Completed);
        all.Items.Select(j => j.Id).Should().OnlyHaveUniqueItems();
        for (var w = 0; w < Writers; w++)
        {
            for (var i = 0; i < JobsPerWriter; i++)
            {
                var job = await Store.GetAsync($"w{w}-{i}", CancellationToken.None);
                job.Should().NotBeNull();
                job!.Checkpoint.Should().Be($"done {w} {i}");
            }

            (await Store.QueryAsync(new JobHistoryQuery { Kind = $"kind{w}" }, CancellationToken.None)).TotalCount.Should().Be(JobsPerWriter);
        }
    }

    /// <summary>Asserts that a snapshot read back equals the one saved, field by field (parameters as JSON values).</summary>
    protected static void ShouldEqual(JobSnapshot? read, JobSnapshot saved)
    {
        read.Should().NotBeNull();
        read.Should().BeEquivalentTo(saved, static o => o.Excluding(static (IMemberInfo m) => m.Type == typeof(JsonElement)));
        JsonElement.DeepEquals(read!.Parameters, saved.Parameters).Should()
            .BeTrue($"the parameters were saved as {saved.Parameters.GetRawText()} and read as {read.Parameters.GetRawText()}");
    }

    private static JobSnapshot FullSnapshot(string id, JobState state, bool finished = true) => new()
    {
        Id = id,
        Kind = "import",
        Name = "Nightly import — ünïcödé, \"quotes\" and 'apostrophes'",
        State = state,
        Parameters = Json("""{"dataset":"arcprize/arc_agi_v1_public_eval","limit":120,"dryRun":false,"ratio":0.25,"folders":["a","b"],"nested":{"x":null}}"""),
        Progress = new JobProgress
        {
            Total = 400,
            Processed = 120,
            Succeeded = 100,
            Failed = 15,
            Skipped = 5,
            Counters = new Dictionary<string, long>(StringComparer.Ordinal) { ["records"] = 240, ["duplicates"] = 3, ["notFound"] = 0 },
            CurrentItem = "puzzle-0042",
            Message = "Ingesting",
            Elapsed = TimeSpan.FromMilliseconds(61_250),
            ItemsPerSecond = 1.9591836734693877,
            EstimatedRemaining = TimeSpan.FromMilliseconds(142_500),
            PercentComplete = 30,
        },
        CreatedAt = Epoch,
        StartedAt = Epoch.AddMilliseconds(1_500),
        FinishedAt = finished ? Epoch.AddMinutes(3).AddMilliseconds(7) : null,
        IsCancellationRequested = state == JobState.Running,
        // Every field set whatever the state, so that the round trip covers them all.
        Error = new JobError { Type = "System.InvalidOperationException", Message = "The real error text.", Details = "System.InvalidOperationException: The real error text.\n   at Somewhere()" },
        Checkpoint = """{"puzzle":"puzzle-0042","model":3}""",
        Results = new Dictionary<string, double>(StringComparer.Ordinal) { ["accuracy"] = 0.8333333333333334, ["cost"] = 12.75, ["tokens"] = 1_234_567 },
        RunCount = 3,
        LastSeq = 9_876_543_210,
    };

    private static JobSnapshot Job(string id, string kind, JobState state, int minute, string? checkpoint = null, string? parameters = null) => new()
    {
        Parameters = Json(parameters ?? "{}"),
        Id = id,
        Kind = kind,
        State = state,
        CreatedAt = Epoch.AddMinutes(minute),
        Checkpoint = checkpoint,
        RunCount = 1,
    };

    private static string Id(int i) => $"job{i:00}";

    private static string KindOf(int i) => (i % 3) switch { 0 => "import", 1 => "export", _ => "reindex" };

    private static JobState StateOf(int i) => (JobState)(i % 8);

    /// <summary>Saves jobs 0 to count − 1, created a minute apart, with kinds and states in a cycle, out of creation order.</summary>
    private async Task SaveHistoryAsync(int count)
    {
        foreach (var i in Enumerable.Range(0, count).OrderBy(static i => (i * 7) % 11).ThenBy(static i => i))
        {
            await Store.SaveAsync(Job(Id(i), KindOf(i), StateOf(i), i), CancellationToken.None);
        }
    }

    private static List<string> Expected(int count, Func<int, bool> matches)
        => [.. Enumerable.Range(0, count).Where(matches).Reverse().Select(Id)];

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
