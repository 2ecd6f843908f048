namespace Ingestion.HuggingFace.Tests;

/// <summary>The job's options on a local copy of a dataset: duplicates, dry run, limit, stop on error, resume.</summary>
public sealed class IngestionBehaviourTests : IDisposable
{
    private const string Dataset = "arcprize/arc_agi_v1_public_eval";
    private readonly TempDirectory _temp = new();
    private readonly IReadOnlyList<ArcTask> _tasks = SharedData.LoadEvaluation(12);

    public IngestionBehaviourTests()
    {
        foreach (var task in _tasks.Take(10))
        {
            SubmissionFiles.WriteRightAndWrong(_temp.Combine("dataset", "model-a"), task);
        }

        SubmissionFiles.Write(_temp.Combine("dataset", "model-a"), _tasks[10].Id, "[{\"attempt_1\": ");
    }

    public void Dispose() => _temp.Dispose();

    private IngestionHarness Harness(IExplanationRepository? repository = null, IJobStore? store = null)
        => new(
            o =>
            {
                o.Tasks.AddArcAgi1(SharedData.ArcAgi1);
                o.LocalDatasetRoots.Add(_temp.Path);
            },
            repository,
            store);

    private HuggingFaceIngestionParameters Parameters(Action<HuggingFaceIngestionParameters>? change = null)
    {
        var parameters = new HuggingFaceIngestionParameters { LocalPath = _temp.Combine("dataset"), Dataset = Dataset, ModelFolder = "model-a", Limit = 12 };
        change?.Invoke(parameters);
        return parameters;
    }

    [Fact]
    public async Task ARerun_SkipsWhatIsThere_AndForceOverwriteRewritesIt()
    {
        var repository = new InMemoryExplanationRepository();
        await using var harness = Harness(repository);
        var first = await harness.RunAsync(Parameters());
        first.Progress.Succeeded.Should().Be(10);
        var firstWrite = repository.GetAll().Select(static r => r.IngestedAt).ToArray();

        var second = await harness.RunAsync(Parameters());
        second.State.Should().Be(JobState.Completed);
        second.Progress.Succeeded.Should().Be(0);
        second.Progress.Skipped.Should().Be(10);
        second.Progress.Failed.Should().Be(1);
        second.Counter("NotFound").Should().Be(1);
        second.Counter("AttemptsSaved").Should().Be(0);
        second.Counter("AttemptsSkipped").Should().Be(20);
        repository.GetAll().Select(static r => r.JobId).Should().AllBe(first.Id, "skipped records are left as they were");

        var forced = await harness.RunAsync(Parameters(p => p.ForceOverwrite = true));
        forced.Progress.Succeeded.Should().Be(10);
        forced.Counter("AttemptsSaved").Should().Be(20);
        forced.Counter("AttemptsSkipped").Should().Be(0);
        repository.Count.Should().Be(20, "overwriting replaces, it does not duplicate");
        repository.GetAll().Select(static r => r.JobId).Should().AllBe(forced.Id);
        firstWrite.Should().HaveCount(20);

        var strict = await harness.RunAsync(Parameters(p => p.SkipDuplicates = false));
        strict.Progress.Failed.Should().Be(11, "with neither option an attempt that exists fails its puzzle");
        harness.JobLogLines(strict.Id).Should().Contain(l => l.Contains("already ingested (model-a-attempt1, model-a-attempt2)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADryRun_CountsEverything_AndWritesNothing()
    {
        await using var harness = Harness();
        var final = await harness.RunAsync(Parameters(p => p.DryRun = true));

        final.State.Should().Be(JobState.Completed);
        final.Progress.Succeeded.Should().Be(10);
        final.Counter("AttemptsSaved").Should().Be(20);
        harness.Repository.Count.Should().Be(0);
        (await harness.Repository.GetCheckpointAsync(final.Id)).Should().BeNull();
        harness.JobLogLines(final.Id).Should().Contain(l => l.Contains("dry run: would save 2/2 attempts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALimit_TakesTheFirstPuzzlesInIdOrder()
    {
        await using var harness = Harness();
        var final = await harness.RunAsync(Parameters(p => p.Limit = 3));

        final.Progress.Total.Should().Be(3);
        final.Progress.Succeeded.Should().Be(3);
        harness.Repository.GetAll().Select(static r => r.PuzzleId).Distinct().Should().Equal(_tasks.Take(3).Select(static t => t.Id));
    }

    [Fact]
    public async Task StopOnError_FailsTheJobAtTheFirstBadPuzzle_WithWhatWasWrong()
    {
        await using var harness = Harness();
        var final = await harness.RunAsync(Parameters(p => p.StopOnError = true));

        final.State.Should().Be(JobState.Failed);
        final.Error!.Message.Should().StartWith($"Stopped on error: {_tasks[10].Id} — Submission {_tasks[10].Id}: not valid JSON");
        final.Progress.Succeeded.Should().Be(10);
        harness.Repository.Count.Should().Be(20, "what came before the failure stays written");
    }

    [Fact]
    public async Task BadParameters_AreAllReportedAtOnce()
    {
        await using var harness = Harness();
        var start = async () => await harness.StartAsync(new HuggingFaceIngestionParameters { Dataset = "", ModelFolder = "a/b", Concurrency = 0, Limit = 0, DelayMs = -1 });

        var errors = (await start.Should().ThrowAsync<JobStartException>()).Which.Errors.Select(static e => e.Member).ToArray();
        errors.Should().BeEquivalentTo(["dataset", "modelFolder", "concurrency", "limit", "delayMs"]);
    }

    [Fact]
    public async Task ALocalPathOutsideTheAllowedRoots_FailsTheJob_AndReadsNothing()
    {
        await using var harness = Harness();
        var final = await harness.RunAsync(Parameters(p => p.LocalPath = "/etc"));

        final.State.Should().Be(JobState.Failed);
        final.Error!.Message.Should().Contain("is not under a directory this host allows");
    }

    [Fact]
    public async Task AnUnknownSource_FailsTheJob_NamingTheSetsThereAre()
    {
        await using var harness = Harness();
        var final = await harness.RunAsync(Parameters(p => p.Source = "ARC9-Eval"));

        final.State.Should().Be(JobState.Failed);
        final.Error!.Message.Should().Be("The task set 'ARC9-Eval' is not configured; the library has: ARC1-Train, ARC1-Eval.");
    }

    [Fact]
    public async Task AnInterruptedJob_ResumesFromItsCheckpoint_WithTheSameRecordsAndCounters()
    {
        // The uninterrupted run, for comparison.
        InMemoryExplanationRepository expected;
        JobSnapshot reference;
        await using (var plain = Harness())
        {
            reference = await plain.RunAsync(Parameters());
            expected = plain.Repository;
        }

        var store = new MemoryJobStore();
        var repository = new InMemoryExplanationRepository();
        string jobId;
        var gated = new GatedRepository(repository) { HoldAfter = 4 };
        await using (var first = Harness(gated, store))
        {
            var job = await first.StartAsync(Parameters());
            jobId = job.Id;
            await gated.Held.OrTimeout();

            // Paused while the fifth puzzle commits (so the stop is not racing the end), then the host stops: Interrupted.
            (await first.Manager.PauseAsync(jobId)).Status.Should().Be(JobCommandStatus.Applied);
            gated.Release();
            await Wait.UntilAsync(async () => (await first.Manager.GetAsync(jobId))?.State == JobState.Paused, "the job is paused");
            await ((JobManager)first.Manager).ShutdownAsync();
        }

        (await store.GetAsync(jobId, default))!.State.Should().Be(JobState.Interrupted);
        repository.Count.Should().Be(10, "the job was stopped after five puzzles");

        await using var second = Harness(repository, store);
        await ((JobManager)second.Manager).RecoverAsync();
        (await second.Manager.ResumeAsync(jobId)).Status.Should().Be(JobCommandStatus.Applied);
        var final = await second.Manager.WaitForCompletionAsync(jobId).OrTimeout();

        final.State.Should().Be(JobState.Completed);
        final.RunCount.Should().Be(2);
        final.Progress.Succeeded.Should().Be(reference.Progress.Succeeded);
        final.Progress.Failed.Should().Be(reference.Progress.Failed);
        final.Counter("NotFound").Should().Be(reference.Counter("NotFound"));
        final.Counter("AttemptsSaved").Should().Be(reference.Counter("AttemptsSaved"));
        final.Counter("PredictionsCorrect").Should().Be(reference.Counter("PredictionsCorrect"));
        final.Results.Should().BeEquivalentTo(reference.Results);
        repository.GetAll().Select(static r => (r.PuzzleId, r.ModelName, r.CorrectPredictions))
            .Should().Equal(expected.GetAll().Select(static r => (r.PuzzleId, r.ModelName, r.CorrectPredictions)));
    }

    [Fact]
    public async Task APauseWhileAPuzzleIsBeingWritten_IsPausedOnlyOnceItIsWritten_AndNothingIsWrittenUntilTheResume()
    {
        var repository = new InMemoryExplanationRepository();
        var gated = new GatedRepository(repository) { HoldAfter = 2 };
        await using var harness = Harness(gated);

        // A delay between files and a window wider than the run keep the download loop coming back to its own pause
        // check while the write is held (about every 50 ms until its twelfth file), rather than waiting for room.
        var job = await harness.StartAsync(Parameters(p =>
        {
            p.DelayMs = 50;
            p.Concurrency = HuggingFaceIngestionParameters.MaxConcurrency;
        }));
        await gated.Held.OrTimeout();
        (await harness.Manager.PauseAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        await Task.Delay(300);
        (await harness.Manager.GetAsync(job.Id))!.State.Should().Be(JobState.Pausing, "the third puzzle is half written: the job has not stopped yet");

        gated.Release();
        await Wait.UntilAsync(async () => (await harness.Manager.GetAsync(job.Id))!.State == JobState.Paused, "the job is paused");
        (await harness.Manager.GetAsync(job.Id))!.Progress.Processed.Should().Be(3, "the puzzle being written when the pause came is finished, no other");
        repository.Count.Should().Be(6);
        await Task.Delay(500);
        (await harness.Manager.GetAsync(job.Id))!.Progress.Processed.Should().Be(3, "a paused job writes nothing");
        repository.Count.Should().Be(6);

        (await harness.Manager.ResumeAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        var final = await harness.Manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Completed);
        final.Progress.Succeeded.Should().Be(10);
        repository.Count.Should().Be(20);
    }

    [Fact]
    public async Task ARepositoryThatGoesAway_InterruptsTheJobClearly_WithWholePuzzlesOnly_AndResumeFinishesIt()
    {
        JobSnapshot uninterrupted;
        InMemoryExplanationRepository expected;
        await using (var plain = Harness())
        {
            uninterrupted = await plain.RunAsync(Parameters());
            expected = plain.Repository;
        }

        var repository = new InMemoryExplanationRepository();
        var gated = new GatedRepository(repository) { HoldAfter = 3 };
        await using var harness = Harness(gated);
        var job = await harness.StartAsync(Parameters());
        await gated.Held.OrTimeout();
        gated.Failure = new IOException("disk I/O error: the database file is read-only");
        gated.Release();
        var stopped = await harness.Manager.WaitForCompletionAsync(job.Id).OrTimeout();

        stopped.State.Should().Be(JobState.Interrupted, "the store went away; the job did not fail, it can go on");
        stopped.Error!.Message.Should().StartWith("The explanation store failed while writing the records of ")
            .And.Contain("disk I/O error: the database file is read-only")
            .And.Contain("4 puzzles are committed with the checkpoint. Resume the job once the store is back.");
        repository.Count.Should().Be(8, "four whole puzzles, nothing half-written");
        IngestionCheckpoint.TryParse(await repository.GetCheckpointAsync(job.Id))!.Position.Should().Be(4);

        var stillDown = await harness.Manager.ResumeAsync(job.Id);
        stillDown.Status.Should().Be(JobCommandStatus.Applied);
        (await harness.Manager.WaitForCompletionAsync(job.Id).OrTimeout()).State.Should().Be(JobState.Interrupted, "the store is still down: nothing more is written");
        repository.Count.Should().Be(8);

        gated.Failure = null;
        (await harness.Manager.ResumeAsync(job.Id)).Status.Should().Be(JobCommandStatus.Applied);
        var final = await harness.Manager.WaitForCompletionAsync(job.Id).OrTimeout();

        final.State.Should().Be(JobState.Completed);
        final.Error.Should().BeNull("the error was the interrupted run's");
        final.Progress.Succeeded.Should().Be(uninterrupted.Progress.Succeeded);
        final.Progress.Skipped.Should().Be(uninterrupted.Progress.Skipped);
        final.Progress.Failed.Should().Be(uninterrupted.Progress.Failed);
        final.Counter("AttemptsSaved").Should().Be(uninterrupted.Counter("AttemptsSaved"));
        repository.GetAll().Select(static r => (r.PuzzleId, r.ModelName)).Should().Equal(expected.GetAll().Select(static r => (r.PuzzleId, r.ModelName)));
    }

    public static TheoryData<Exception> PermanentRepositoryFailures => new()
    {
        new InvalidOperationException("a bug in the repository"),
        new RefusedRecordException("22021", "invalid byte sequence for encoding \"UTF8\": 0x00"),
        new RefusedRecordException("23505", "duplicate key value violates unique constraint"),
    };

    [Theory]
    [MemberData(nameof(PermanentRepositoryFailures))]
    public async Task ARepositoryFailureThatWouldHappenAgain_FailsTheJob_WithTheRepositorysError(Exception failure)
    {
        var repository = new InMemoryExplanationRepository();
        var gated = new GatedRepository(repository) { HoldAfter = 2 };
        await using var harness = Harness(gated);
        var job = await harness.StartAsync(Parameters());
        await gated.Held.OrTimeout();
        gated.Failure = failure;
        gated.Release();

        var final = await harness.Manager.WaitForCompletionAsync(job.Id).OrTimeout();

        final.State.Should().Be(JobState.Failed, "a resume would stop at the same puzzle again");
        final.Error!.Message.Should().Be(failure.Message);
        repository.Count.Should().Be(6, "three whole puzzles, nothing half-written");
    }

    /// <summary>A database's refusal of the data itself, with its SQLSTATE (as PostgreSQL gives it).</summary>
    public sealed class RefusedRecordException(string sqlState, string message) : System.Data.Common.DbException(message)
    {
        public override string SqlState => sqlState;
    }
}
