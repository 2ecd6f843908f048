using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using FluentAssertions;
using Ingestion.HuggingFace;
using Xunit;

namespace Ingestion.TestUtilities;

/// <summary>
/// Resume after a crash, for real, on a durable store: the HuggingFace ingestion runs in a child host process
/// (<see cref="StorageTestHost"/>) that is killed with SIGKILL mid-run, twice; each time the host is started again on
/// the same database, finds the job Interrupted, and resumes it through the REST endpoint. The final table must be
/// that of an uninterrupted run of the same dataset, and the counters those the generator expects.
/// </summary>
public abstract class CrashResumeTests : IAsyncLifetime
{
    private const string ModelFolder = "synthetic-medium";
    private const int Puzzles = 160;

    // Slow enough that the job is still mid-run when the kill lands: 110 puzzles (4.4 s) are left after the second.
    // A kill that came too late fails the test (the next host finds the job completed, not interrupted): with 80
    // puzzles of 20 ms left, it did once on CI, while other test projects loaded the machine.
    private const int KillableDelayMs = 40;
    private const int SecondKillAfter = 50;
    private DirectoryInfo? _root;
    private GeneratedDataset? _dataset;

    /// <summary>The host's <c>--store</c>: <c>sqlite</c> or <c>postgresql</c>.</summary>
    protected abstract string Store { get; }

    /// <summary>Makes a fresh, empty database and answers the host's <c>--database</c> for it.</summary>
    protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>
    /// Reads the explanations table: one line per row with every column but the job id and the ingestion time,
    /// sorted, so that two runs' tables compare as lists.
    /// </summary>
    protected abstract Task<IReadOnlyList<string>> ReadExplanationsAsync(string database);

    /// <summary>Reads the explanations table as <see cref="ReadExplanationsAsync(string)"/> says, on an open connection (the query is the same on every store).</summary>
    public static async Task<IReadOnlyList<string>> ReadExplanationsAsync(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT puzzle_id, model_name, model_folder, attempt_number, dataset, source, test_pairs, predictions, correct_predictions,
                   is_correct, accuracy, model, provider, prompt_tokens, completion_tokens, reasoning_tokens, total_tokens, cost, duration_ticks
            FROM explanations ORDER BY puzzle_id, model_name;
            """;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary>A scratch folder that lives as long as the test.</summary>
    protected string Root => _root?.FullName ?? throw new InvalidOperationException("Made in InitializeAsync.");

    public virtual async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("ingestion-crash-");
        _dataset = await ArcDatasetGenerator.WriteAsync(
            new ArcDatasetGeneratorOptions { PuzzleCount = Puzzles, Seed = 606 }, Path.Combine(Root, "puzzles"), Path.Combine(Root, "dataset"));
    }

    public virtual Task DisposeAsync()
    {
        _root?.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task KilledMidRun_Twice_ThenResumed_EndsWithTheTableOfAnUninterruptedRun()
    {
        var expected = _dataset!.GetModel(ModelFolder);
        var uninterruptedDatabase = await CreateDatabaseAsync();
        JsonElement uninterrupted;
        await using (var host = await StartHostAsync(uninterruptedDatabase))
        {
            var id = await host.StartIngestionAsync(Parameters(delayMs: 0));
            uninterrupted = await host.WaitForJobAsync(id, static j => State(j) == "completed", "the uninterrupted run completes");
        }

        var database = await CreateDatabaseAsync();
        string jobId;
        await using (var first = await StartHostAsync(database))
        {
            jobId = await first.StartIngestionAsync(Parameters(delayMs: KillableDelayMs));
            await first.WaitForJobAsync(jobId, static j => Processed(j) >= 30, "30 puzzles are done");
            await first.KillAsync();
        }

        long processedBeforeSecondKill;
        await using (var second = await StartHostAsync(database))
        {
            var found = await second.GetJobAsync(jobId);
            State(found).Should().Be("interrupted", "a job the store shows as running when the host starts was cut off by a crash");
            found.GetProperty("checkpoint").GetString().Should().NotBeNullOrEmpty();
            var resume = await second.CommandAsync("resume", jobId);
            resume.Status.Should().Be(200, resume.Body.ToString());
            resume.Body.GetProperty("status").GetString().Should().Be("applied");
            var resumed = await second.WaitForJobAsync(jobId, static j => Processed(j) >= SecondKillAfter, $"{SecondKillAfter} puzzles are done");
            resumed.GetProperty("runCount").GetInt32().Should().Be(2);
            processedBeforeSecondKill = Processed(resumed);
            await second.KillAsync();
        }

        await using (var third = await StartHostAsync(database))
        {
            State(await third.GetJobAsync(jobId)).Should().Be("interrupted");
            (await third.CommandAsync("resume", jobId)).Status.Should().Be(200);
            var final = await third.WaitForJobAsync(jobId, static j => State(j) is "completed" or "failed" or "cancelled", "the resumed job ends");

            State(final).Should().Be("completed", final.ToString());
            final.GetProperty("runCount").GetInt32().Should().Be(3);
            final.GetProperty("id").GetString().Should().Be(jobId, "a resumed job keeps its id");
            var progress = final.GetProperty("progress");
            foreach (var counter in (string[])["total", "processed", "succeeded", "failed", "skipped"])
            {
                progress.GetProperty(counter).GetInt64().Should().Be(uninterrupted.GetProperty("progress").GetProperty(counter).GetInt64(), counter);
            }

            progress.GetProperty("succeeded").GetInt64().Should().Be(expected.Succeeded);
            progress.GetProperty("failed").GetInt64().Should().Be(expected.Failed);
            Counter(final, "NotFound").Should().Be(expected.NotFound);
            Counter(final, "AttemptsSaved").Should().Be(expected.AttemptsSaved, "no attempt was saved twice or lost");
            Counter(final, "Predictions").Should().Be(expected.Predictions);
            Counter(final, "PredictionsCorrect").Should().Be(expected.CorrectPredictions);
            processedBeforeSecondKill.Should().BeLessThan(Puzzles, "the second kill came mid-run");
        }

        var table = await ReadExplanationsAsync(database);
        table.Should().HaveCount((int)expected.AttemptsSaved);
        table.Should().OnlyHaveUniqueItems();
        table.Should().Equal(await ReadExplanationsAsync(uninterruptedDatabase), "nothing lost, nothing duplicated, nothing different");
    }

    /// <summary>Starts the host on <paramref name="database"/> with this test's dataset.</summary>
    protected Task<StorageTestHost> StartHostAsync(string database)
        => StorageTestHost.StartAsync(Store, database, Root, Path.Combine(Root, "puzzles"));

    /// <summary>The job's parameters: the generated dataset's medium model, one puzzle at a time.</summary>
    protected object Parameters(int delayMs) => new
    {
        localPath = Path.Combine(Root, "dataset"),
        dataset = "generated/arc-synthetic",
        modelFolder = ModelFolder,
        source = "Generated",
        concurrency = 2,
        delayMs,
    };

    protected static string State(JsonElement job) => job.GetProperty("state").GetString()!;

    protected static long Processed(JsonElement job) => job.GetProperty("progress").GetProperty("processed").GetInt64();

    protected static long Counter(JsonElement job, string name)
        => job.GetProperty("progress").GetProperty("counters").TryGetProperty(name, out var value) ? value.GetInt64() : 0;
}
