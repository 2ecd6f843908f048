namespace Ingestion.HuggingFace;

/// <summary>
/// What <see cref="ArcDatasetGenerator"/> writes. The defaults make a small demo dataset: 200 puzzles and three model
/// folders (a strong reasoning model, a middling one, and a weak baseline with invalid answers, missing attempts,
/// missing and malformed files).
/// </summary>
public sealed class ArcDatasetGeneratorOptions
{
    /// <summary>Gets or sets the seed. The same options and seed write byte-identical files. Default: 2025.</summary>
    public int Seed { get; set; } = 2025;

    /// <summary>
    /// Gets or sets how many puzzles <see cref="ArcDatasetGenerator.WriteAsync"/> makes. Puzzle <c>i</c> depends only
    /// on the seed and <c>i</c>, so the first 10 of 100,000 are the 10 of 10. Default: 200.
    /// </summary>
    public int PuzzleCount { get; set; } = 200;

    /// <summary>
    /// Gets or sets the model folders to write, each with its behaviour. A model's files depend only on the seed, its
    /// folder name and the task, so adding or removing another model changes nothing in it. Default: three models,
    /// <c>synthetic-large-thinking-high</c>, <c>synthetic-medium</c> and <c>synthetic-small-baseline</c>.
    /// </summary>
    public IList<GeneratedModelProfile> Models { get; set; } = CreateDefaultModels();

    /// <summary>
    /// Gets or sets the relative weights of a generated puzzle having 1, 2, 3, … test pairs (entry <c>i</c> is the
    /// weight of <c>i + 1</c> pairs). Default: <c>[0.75, 0.2, 0.05]</c>.
    /// </summary>
    public IList<double> TestPairWeights { get; set; } = [0.75, 0.2, 0.05];

    /// <summary>
    /// Gets or sets the origin of the attempts' timestamps: those of task <c>i</c> start <c>i</c> × 10 minutes after it
    /// (plus up to a minute). Default: 2025-01-01T00:00:00Z.
    /// </summary>
    public DateTimeOffset BaseTimestamp { get; set; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets or sets how many tasks are written at once; the files do not depend on it. Default: <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Makes the three default model profiles.</summary>
    /// <returns>A new list of new profiles.</returns>
    public static IList<GeneratedModelProfile> CreateDefaultModels() =>
    [
        new("synthetic-large-thinking-high")
        {
            Model = "synthetic-large",
            CorrectProbability = [0.7, 0.45],
            NullAttemptProbability = 0.02,
            InvalidAnswerProbability = 0.01,
            ExtraFieldsProbability = 0.1,
            ReasoningTokens = 6000,
            PromptCostPerMillionTokens = 1.25,
            CompletionCostPerMillionTokens = 10,
            TokensPerSecond = 80,
        },
        new("synthetic-medium")
        {
            CorrectProbability = [0.4, 0.25],
            MissingAttemptProbability = 0.1,
            NullAttemptProbability = 0.05,
            InvalidAnswerProbability = 0.03,
            MissingFileProbability = 0.02,
            MalformedFileProbability = 0.01,
            ReasoningTokens = 1500,
            PromptCostPerMillionTokens = 0.4,
            CompletionCostPerMillionTokens = 1.6,
            TokensPerSecond = 120,
        },
        new("synthetic-small-baseline")
        {
            Model = "synthetic-small",
            CorrectProbability = [0.12, 0.06],
            MissingAttemptProbability = 0.25,
            NullAttemptProbability = 0.1,
            InvalidAnswerProbability = 0.15,
            MissingFileProbability = 0.05,
            MalformedFileProbability = 0.03,
            ExtraFieldsProbability = 0.3,
            PromptCostPerMillionTokens = 0.1,
            CompletionCostPerMillionTokens = 0.4,
            TokensPerSecond = 200,
        },
    ];

    /// <summary>Says what is wrong with the options, naming every problem at once.</summary>
    /// <param name="puzzleCountMatters">Whether <see cref="PuzzleCount"/> is used.</param>
    /// <returns>The problems, or <see langword="null"/> when the options are valid.</returns>
    internal string? Validate(bool puzzleCountMatters)
    {
        var problems = new List<string>();
        if (puzzleCountMatters && PuzzleCount < 0)
        {
            problems.Add("PuzzleCount must not be negative.");
        }

        if (MaxDegreeOfParallelism < 1)
        {
            problems.Add("MaxDegreeOfParallelism must be at least 1.");
        }

        if (TestPairWeights is null || TestPairWeights.Count == 0 || TestPairWeights.Any(w => !(w >= 0) || double.IsInfinity(w)) || !(TestPairWeights.Sum() > 0))
        {
            problems.Add("TestPairWeights needs at least one finite, non-negative weight, and they must not all be 0.");
        }
        else if (TestPairWeights.Count > 10)
        {
            problems.Add("TestPairWeights allows at most 10 test pairs.");
        }

        if (Models is null || Models.Count == 0)
        {
            problems.Add("Models needs at least one model.");
        }
        else
        {
            var folders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var model in Models)
            {
                if (model is null)
                {
                    problems.Add("Models holds a null entry.");
                    continue;
                }

                if (!folders.Add(model.Folder))
                {
                    problems.Add($"Model folder '{model.Folder}' appears twice (folder names are compared ignoring case).");
                }

                model.Validate(problems);
            }
        }

        return problems.Count == 0 ? null : "Invalid ArcDatasetGeneratorOptions: " + string.Join(" ", problems);
    }
}
