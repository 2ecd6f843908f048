namespace Ingestion.HuggingFace.Tests;

/// <summary>Model folders packed as Parquet or JSONL: the same records as the per-task JSON files they came from.</summary>
public sealed class RowFileIngestionTests : IAsyncLifetime
{
    private const string Dataset = "generated/arc-synthetic";
    private readonly TempDirectory _temp = new();
    private GeneratedDataset _generated = null!;
    private GeneratedModelExpectation _model = null!;

    public async Task InitializeAsync()
    {
        _generated = await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions { PuzzleCount = 120, Seed = 9 }, _temp.Combine("puzzles"), _temp.Combine("json"));
        _model = _generated.GetModel("synthetic-small-baseline");
        var source = Path.Combine(_generated.DatasetDirectory, _model.Folder);
        Directory.CreateDirectory(_temp.Combine("parquet", _model.Folder));
        Directory.CreateDirectory(_temp.Combine("jsonl", _model.Folder));
        await SubmissionConverter.ConvertFolderToParquetAsync(source, _temp.Combine("parquet", _model.Folder, "part-0000.parquet"), new SubmissionParquetWriteOptions { RowGroupSize = 50 });
        await SubmissionConverter.ConvertFolderToJsonLinesAsync(source, _temp.Combine("jsonl", _model.Folder, "submissions.jsonl"));
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private IngestionHarness Harness(IExplanationRepository? repository = null, IJobStore? store = null, Action<HuggingFaceIngestionOptions>? more = null) => new(
        o =>
        {
            o.Tasks.Add("Generated", _generated.PuzzlesDirectory!);
            o.LocalDatasetRoots.Add(_temp.Path);
            more?.Invoke(o);
        },
        repository,
        store);

    private HuggingFaceIngestionParameters Parameters(string format) => new()
    {
        LocalPath = _temp.Combine(format),
        Dataset = Dataset,
        ModelFolder = _model.Folder,
        Source = "Generated",
    };

    /// <summary>The converter leaves malformed files out, so their puzzles have no rows: not found instead of failed.</summary>
    private void ShouldMatchTheJsonRun(JobSnapshot final, InMemoryExplanationRepository repository)
    {
        final.State.Should().Be(JobState.Completed, final.Error?.Message);
        final.Progress.Succeeded.Should().Be(_model.Succeeded);
        final.Progress.Failed.Should().Be(0);
        final.Counter("NotFound").Should().Be(_model.NotFound + _model.Failed);
        final.Progress.Processed.Should().Be(_model.Puzzles);
        final.Counter("AttemptsSaved").Should().Be(_model.AttemptsSaved);
        final.Counter("Predictions").Should().Be(_model.Predictions);
        final.Counter("PredictionsCorrect").Should().Be(_model.CorrectPredictions);
        final.Counter("ValidationErrors").Should().Be(_model.ValidationErrors);
        final.Results["passAt2"].Should().BeApproximately(_model.PassRate, 1e-12);
        final.Results["cost"].Should().BeApproximately(_model.TotalCost, 1e-9);
        repository.Count.Should().Be((int)_model.AttemptsSaved);
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public async Task ARowFileFolder_IsIngestedAsTheJsonFilesItCameFrom(string format)
    {
        await using var harness = Harness();
        var final = await harness.RunAsync(Parameters(format));

        ShouldMatchTheJsonRun(final, harness.Repository);
        harness.Logs.Entries.Should().Contain(e => e.Message.Contains($"{(format == "parquet" ? "Parquet" : "JsonLines")} files", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AParquetFolderOnTheHub_IsSpooledAndIngested()
    {
        await using var hub = await FakeHub.StartAsync();
        hub.AddDataset(Dataset, _temp.Combine("parquet"));
        hub.TruncateNext(1, 4096, static p => p.EndsWith(".parquet", StringComparison.Ordinal));
        await using var harness = Harness(more: o =>
        {
            o.Hub.Endpoint = hub.Endpoint;
            o.Hub.Token = "";
            o.Hub.InitialRetryDelay = TimeSpan.FromMilliseconds(10);
        });

        var parameters = Parameters("parquet");
        parameters.LocalPath = null;
        var before = Spooled();
        var final = await harness.RunAsync(parameters);

        ShouldMatchTheJsonRun(final, harness.Repository);
        Spooled().Except(before).Should().BeEmpty("the spooled download is deleted");

        // (A file from a process killed before this test, which DeleteOnClose could not remove, is not this run's.)
        static string[] Spooled() => Directory.GetFiles(Path.GetTempPath(), "ingestion-*.parquet");
    }

    [Fact]
    public async Task AnInterruptedParquetRun_ResumesWhereItsCheckpointIs()
    {
        var store = new MemoryJobStore();
        var repository = new InMemoryExplanationRepository();
        var gated = new GatedRepository(repository) { HoldAfter = 40 };
        string jobId;
        await using (var first = Harness(gated, store))
        {
            jobId = (await first.StartAsync(Parameters("parquet"))).Id;
            await gated.Held.OrTimeout();
            (await first.Manager.PauseAsync(jobId)).Status.Should().Be(JobCommandStatus.Applied);
            gated.Release();
            await Wait.UntilAsync(async () => (await first.Manager.GetAsync(jobId))?.State == JobState.Paused, "the job is paused");
            await ((JobManager)first.Manager).ShutdownAsync();
        }

        await using var second = Harness(repository, store);
        await ((JobManager)second.Manager).RecoverAsync();
        (await second.Manager.ResumeAsync(jobId)).Status.Should().Be(JobCommandStatus.Applied);
        var final = await second.Manager.WaitForCompletionAsync(jobId).OrTimeout();

        ShouldMatchTheJsonRun(final, repository);
        final.RunCount.Should().Be(2);
    }

    [Fact]
    public async Task ALimit_TakesTheFirstPuzzlesOfTheSet_AndCountsTheMissingOnesAmongThem()
    {
        await using var harness = Harness();
        var parameters = Parameters("parquet");
        parameters.Limit = 30;
        var final = await harness.RunAsync(parameters);

        var first = _model.Tasks.OrderBy(static t => t.TaskId, StringComparer.Ordinal).Take(30).ToArray();
        final.State.Should().Be(JobState.Completed, final.Error?.Message);
        final.Progress.Total.Should().Be(30);
        final.Progress.Processed.Should().Be(30);
        final.Progress.Succeeded.Should().Be(first.Count(static t => t.Outcome == GeneratedPuzzleOutcome.Succeeded));
        final.Counter("NotFound").Should().Be(first.Count(static t => t.Outcome != GeneratedPuzzleOutcome.Succeeded));
        harness.Repository.GetAll().Select(static r => r.PuzzleId).Distinct().Should().BeSubsetOf(first.Select(static t => t.TaskId));
    }

    [Fact]
    public async Task ARowOfAPuzzleTheSetDoesNotHave_FailsOnce_AndStopOnErrorSaysItOnce()
    {
        var folder = _temp.Combine("extra-json", _model.Folder);
        Directory.CreateDirectory(folder);
        var any = Directory.EnumerateFiles(Path.Combine(_generated.DatasetDirectory, _model.Folder), "*.json").First(f => !f.EndsWith("results.json", StringComparison.Ordinal));
        File.Copy(any, Path.Combine(folder, "00000000.json"));
        File.Copy(any, Path.Combine(folder, Path.GetFileName(any)));
        Directory.CreateDirectory(_temp.Combine("extra", _model.Folder));
        await SubmissionConverter.ConvertFolderToParquetAsync(folder, _temp.Combine("extra", _model.Folder, "part.parquet"));
        await using var harness = Harness();

        var tolerant = await harness.RunAsync(Parameters("extra"));
        tolerant.State.Should().Be(JobState.Completed);
        tolerant.Progress.Failed.Should().Be(1);
        tolerant.Progress.Total.Should().Be(_model.Puzzles + 1, "the row of an unknown puzzle is an item of its own");
        tolerant.Progress.Processed.Should().Be(tolerant.Progress.Total);
        harness.JobLogLines(tolerant.Id).Should().Contain($"00000000 — failed: '00000000' is not a puzzle of Generated.");

        var strict = Parameters("extra");
        strict.StopOnError = true;
        var stopped = await harness.RunAsync(strict);
        stopped.State.Should().Be(JobState.Failed);
        stopped.Error!.Message.Should().Be("Stopped on error: 00000000 — '00000000' is not a puzzle of Generated.");
        stopped.Progress.Failed.Should().Be(1);
    }

    [Fact]
    public async Task ARepositoryThatFails_DuringARowFileRun_InterruptsTheJob_KeepsWholePuzzles_AndResumeFinishesIt()
    {
        var repository = new InMemoryExplanationRepository();
        var gated = new GatedRepository(repository) { HoldAfter = 10 };
        await using var harness = Harness(gated);
        var job = await harness.StartAsync(Parameters("parquet"));
        await gated.Held.OrTimeout();
        gated.Failure = new IOException("database is locked");
        gated.Release();

        var final = await harness.Manager.WaitForCompletionAsync(job.Id).OrTimeout();

        final.State.Should().Be(JobState.Interrupted);
        final.Error!.Message.Should().Contain("database is locked");
        final.Progress.Failed.Should().Be(0, "the repository's failure is the job's, not a broken file's");
        IngestionCheckpoint.TryParse(await repository.GetCheckpointAsync(job.Id))!.Position.Should().Be(11, "the held commit went through; the next one failed");

        gated.Failure = null;
        (await harness.Manager.ResumeAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        var resumed = await harness.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        resumed.State.Should().Be(JobState.Completed);
        var expected = new InMemoryExplanationRepository();
        await using (var plain = Harness(expected))
        {
            var uninterrupted = await plain.RunAsync(Parameters("parquet"));
            resumed.Progress.Succeeded.Should().Be(uninterrupted.Progress.Succeeded);
            resumed.Progress.Failed.Should().Be(uninterrupted.Progress.Failed);
            resumed.Progress.Total.Should().Be(uninterrupted.Progress.Total);
        }

        repository.GetAll().Select(static r => (r.PuzzleId, r.ModelName)).Should().Equal(expected.GetAll().Select(static r => (r.PuzzleId, r.ModelName)));
    }
}
