using System.Buffers;
using System.Text.Json;

namespace Ingestion.HuggingFace;

/// <summary>
/// Writes ARC-like puzzles and model submissions in the arcprize layout whose correctness is known, with exact
/// expectations of what ingesting them should report: sample data for demos, and data at any scale for tests and
/// benchmarks. Deterministic: the same options write byte-identical files (a seeded generator of its own, fixed
/// timestamps from <see cref="ArcDatasetGeneratorOptions.BaseTimestamp"/>, nothing read from the clock).
/// </summary>
/// <remarks>
/// <para>
/// Layout: puzzles as <c>{puzzles}/{taskId}.json</c> (<c>{train, test}</c>); submissions as
/// <c>{dataset}/{modelFolder}/{taskId}.json</c> (an array with one <c>{attempt_1, attempt_2, …}</c> object per test pair)
/// and a run summary <c>{dataset}/{modelFolder}/results.json</c>. Folders are created as needed; files the generator
/// writes are replaced, a task file it decides is missing is deleted, and other files are left alone.
/// </para>
/// <para>
/// The expectations follow the pipeline's rules: a puzzle succeeds (its file is read and saves at least one attempt
/// record), fails (the file is malformed) or is not found (no file); an attempt record exists for each attempt number
/// present and not <c>null</c> in at least one test pair; a prediction is correct when its answer is a valid grid equal
/// to the expected output.
/// </para>
/// </remarks>
public static class ArcDatasetGenerator
{
    /// <summary>The summary file each model folder holds, which ingestion ignores.</summary>
    private const string ResultsFileName = "results.json";

    /// <summary>Generates <see cref="ArcDatasetGeneratorOptions.PuzzleCount"/> puzzles and every model's submissions for them.</summary>
    /// <param name="options">What to generate.</param>
    /// <param name="puzzlesDirectory">Where the puzzle files go.</param>
    /// <param name="datasetDirectory">Where the model folders go.</param>
    /// <param name="cancellationToken">Stops the generation (files already written stay).</param>
    /// <returns>The dataset and its expectations.</returns>
    /// <exception cref="ArgumentException">The options are invalid (every problem is named).</exception>
    public static async Task<GeneratedDataset> WriteAsync(
        ArcDatasetGeneratorOptions options,
        string puzzlesDirectory,
        string datasetDirectory,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(puzzlesDirectory);
        ArgumentException.ThrowIfNullOrEmpty(datasetDirectory);
        if (options.Validate(puzzleCountMatters: true) is { } problems)
        {
            throw new ArgumentException(problems, nameof(options));
        }

        var seed = options.Seed;
        var weights = options.TestPairWeights.ToArray();
        var taskIds = new string[options.PuzzleCount];
        for (var i = 0; i < taskIds.Length; i++)
        {
            taskIds[i] = PuzzleFactory.TaskId(seed, i);
        }

        Directory.CreateDirectory(puzzlesDirectory);
        return await GenerateAsync(
            options,
            puzzlesDirectory,
            datasetDirectory,
            taskIds,
            (index, buffer) =>
            {
                var task = PuzzleFactory.Create(seed, index, weights, out var rule);
                buffer.ResetWrittenCount();
                using (var writer = new Utf8JsonWriter(buffer, SubmissionFactory.WriterOptions))
                {
                    task.WriteTo(writer);
                }

                SubmissionFactory.WriteFile(Path.Combine(puzzlesDirectory, task.Id + ".json"), buffer.WrittenSpan);
                return (task, rule);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Generates every model's submissions for puzzles the caller has (for instance the ARC-AGI-1 evaluation tasks read
    /// with <see cref="ArcTask.Parse"/>). Test pairs without an expected output are never answered correctly.
    /// <see cref="ArcDatasetGeneratorOptions.PuzzleCount"/> and <see cref="ArcDatasetGeneratorOptions.TestPairWeights"/>
    /// are not used.
    /// </summary>
    /// <param name="puzzles">The puzzles, each with at least one test pair and a distinct id that is a valid file name.</param>
    /// <param name="options">What to generate.</param>
    /// <param name="datasetDirectory">Where the model folders go.</param>
    /// <param name="cancellationToken">Stops the generation (files already written stay).</param>
    /// <returns>The dataset and its expectations (<see cref="GeneratedDataset.PuzzlesDirectory"/> is <see langword="null"/>).</returns>
    /// <exception cref="ArgumentException">The options or the puzzles are invalid.</exception>
    public static async Task<GeneratedDataset> WriteSubmissionsAsync(
        IReadOnlyList<ArcTask> puzzles,
        ArcDatasetGeneratorOptions options,
        string datasetDirectory,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(puzzles);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(datasetDirectory);
        if (options.Validate(puzzleCountMatters: false) is { } problems)
        {
            throw new ArgumentException(problems, nameof(options));
        }

        var taskIds = new string[puzzles.Count];
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < puzzles.Count; i++)
        {
            var puzzle = puzzles[i] ?? throw new ArgumentException($"Puzzle {i} is null.", nameof(puzzles));
            if (puzzle.Test.Count == 0)
            {
                throw new ArgumentException($"Puzzle {puzzle.Id} has no test pairs.", nameof(puzzles));
            }

            if (puzzle.Id.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || !seen.Add(puzzle.Id))
            {
                throw new ArgumentException($"Puzzle id '{puzzle.Id}' is not a valid file name or appears twice (ids are compared ignoring case).", nameof(puzzles));
            }

            taskIds[i] = puzzle.Id;
        }

        return await GenerateAsync(options, null, datasetDirectory, taskIds, (index, _) => (puzzles[index], null), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<GeneratedDataset> GenerateAsync(
        ArcDatasetGeneratorOptions options,
        string? puzzlesDirectory,
        string datasetDirectory,
        string[] taskIds,
        Func<int, ArrayBufferWriter<byte>, (ArcTask Task, string? Rule)> puzzle,
        CancellationToken cancellationToken)
    {
        // A snapshot of the options: the caller may change them while tasks are written.
        var models = options.Models.ToArray();
        var seed = options.Seed;
        var baseTimestamp = options.BaseTimestamp;
        var directories = new string[models.Length];
        var expectations = new GeneratedTaskExpectation[models.Length][];
        for (var m = 0; m < models.Length; m++)
        {
            directories[m] = Path.Combine(datasetDirectory, models[m].Folder);
            Directory.CreateDirectory(directories[m]);
            expectations[m] = new GeneratedTaskExpectation[taskIds.Length];
        }

        // Each task is independent and its results land in its own slot, so the order the tasks run in changes nothing.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(
            Enumerable.Range(0, taskIds.Length),
            parallel,
            (index, _) =>
            {
                var buffer = new ArrayBufferWriter<byte>(16 * 1024);
                var (task, rule) = puzzle(index, buffer);
                for (var m = 0; m < models.Length; m++)
                {
                    expectations[m][index] = SubmissionFactory.Write(directories[m], models[m], seed, task, index, baseTimestamp, rule, buffer);
                }

                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);

        var results = new GeneratedModelExpectation[models.Length];
        for (var m = 0; m < models.Length; m++)
        {
            var profile = models[m];
            results[m] = new GeneratedModelExpectation(profile.Folder, profile.Model ?? profile.Folder, expectations[m], profile.CorrectProbability.Count);
            SubmissionFactory.WriteResults(Path.Combine(directories[m], ResultsFileName), results[m]);
        }

        return new GeneratedDataset(puzzlesDirectory, datasetDirectory, taskIds, results);
    }
}
