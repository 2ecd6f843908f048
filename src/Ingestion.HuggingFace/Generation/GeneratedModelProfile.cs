namespace Ingestion.HuggingFace;

/// <summary>
/// How one generated model folder behaves: how often its attempts are right, how often its files or attempts are
/// missing, broken or odd, and what its tokens cost. Every probability is drawn per task, pair or attempt from the
/// generator's seed, so the same profile and seed always give the same files; the
/// <see cref="GeneratedModelExpectation"/> then counts what was actually written.
/// </summary>
public sealed class GeneratedModelProfile
{
    /// <summary>Initializes a new instance of the <see cref="GeneratedModelProfile"/> class.</summary>
    /// <param name="folder">The model folder (the config name in an arcprize dataset, e.g. <c>acme-large-thinking-high</c>).</param>
    public GeneratedModelProfile(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = folder;
    }

    /// <summary>Gets the model folder; also written as each attempt's <c>metadata.test_id</c>.</summary>
    public string Folder { get; }

    /// <summary>Gets or sets <c>metadata.model</c>. Default: <see langword="null"/>, which writes <see cref="Folder"/>.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets <c>metadata.provider</c>. Default: <c>synthetic</c>.</summary>
    public string Provider { get; set; } = "synthetic";

    /// <summary>
    /// Gets or sets the probability that an attempt's answer is correct, one entry per attempt number: its length is
    /// how many attempts each test pair gets (<c>attempt_1</c>, <c>attempt_2</c>, …). Default: <c>[0.5, 0.3]</c>.
    /// An answer that is not correct is a plausible wrong grid (a few cells changed, or a row or column too many or
    /// too few). A test pair whose expected output is unknown is never answered correctly.
    /// </summary>
    public IList<double> CorrectProbability { get; set; } = [0.5, 0.3];

    /// <summary>
    /// Gets or sets the probability that an attempt from <c>attempt_2</c> on is left out of its test pair (the key is
    /// absent). <c>attempt_1</c> is always there. Default: 0.
    /// </summary>
    public double MissingAttemptProbability { get; set; }

    /// <summary>
    /// Gets or sets the probability that an attempt from <c>attempt_2</c> on is written as <c>null</c>. Default: 0.
    /// With <see cref="MissingAttemptProbability"/> it must not exceed 1.
    /// </summary>
    public double NullAttemptProbability { get; set; }

    /// <summary>
    /// Gets or sets the probability that an attempt's answer is not a valid grid: <c>[]</c>, ragged rows, a colour
    /// outside 0 to 9, or 31 rows (one of the four, drawn at random). Such an answer is a validation error and
    /// never correct. Default: 0.
    /// </summary>
    public double InvalidAnswerProbability { get; set; }

    /// <summary>Gets or sets the probability that a task has no file in the folder (the puzzle is not found). Default: 0.</summary>
    public double MissingFileProbability { get; set; }

    /// <summary>
    /// Gets or sets the probability that a task's file is malformed: truncated JSON, or now and then a JSON object
    /// instead of the array of test pairs (the puzzle fails). With <see cref="MissingFileProbability"/> it must not
    /// exceed 1. Default: 0.
    /// </summary>
    public double MalformedFileProbability { get; set; }

    /// <summary>
    /// Gets or sets the probability that an attempt carries fields readers must tolerate and ignore
    /// (<c>metadata.tool_calls</c>, <c>metadata.num_turns</c>, <c>usage.prompt_tokens_details</c>). Default: 0.
    /// </summary>
    public double ExtraFieldsProbability { get; set; }

    /// <summary>
    /// Gets or sets the mean number of reasoning tokens per attempt (each attempt draws from a quarter to 1.75 times
    /// it); 0 is a model that does not reason, whose attempts also have no <c>reasoning_summary</c>. Default: 0.
    /// </summary>
    public int ReasoningTokens { get; set; }

    /// <summary>Gets or sets the price of a million prompt tokens, in dollars. Default: 1.</summary>
    public double PromptCostPerMillionTokens { get; set; } = 1;

    /// <summary>Gets or sets the price of a million completion tokens (reasoning tokens included), in dollars. Default: 4.</summary>
    public double CompletionCostPerMillionTokens { get; set; } = 4;

    /// <summary>Gets or sets how fast the model writes, which sets each attempt's duration. Default: 60.</summary>
    public double TokensPerSecond { get; set; } = 60;

    /// <summary>Adds what is wrong with the profile to <paramref name="problems"/>.</summary>
    /// <param name="problems">The problems found so far.</param>
    internal void Validate(List<string> problems)
    {
        var name = $"Model '{Folder}'";
        if (Folder.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || Folder is "." or "..")
        {
            problems.Add($"{name}: the folder must be a single valid folder name.");
        }

        if (CorrectProbability is null || CorrectProbability.Count == 0)
        {
            problems.Add($"{name}: CorrectProbability needs one entry per attempt number (at least one).");
        }
        else
        {
            for (var i = 0; i < CorrectProbability.Count; i++)
            {
                CheckProbability(problems, name, $"CorrectProbability[{i}]", CorrectProbability[i]);
            }
        }

        CheckProbability(problems, name, nameof(MissingAttemptProbability), MissingAttemptProbability);
        CheckProbability(problems, name, nameof(NullAttemptProbability), NullAttemptProbability);
        CheckProbability(problems, name, nameof(InvalidAnswerProbability), InvalidAnswerProbability);
        CheckProbability(problems, name, nameof(MissingFileProbability), MissingFileProbability);
        CheckProbability(problems, name, nameof(MalformedFileProbability), MalformedFileProbability);
        CheckProbability(problems, name, nameof(ExtraFieldsProbability), ExtraFieldsProbability);
        if (MissingAttemptProbability + NullAttemptProbability > 1)
        {
            problems.Add($"{name}: MissingAttemptProbability + NullAttemptProbability exceeds 1.");
        }

        if (MissingFileProbability + MalformedFileProbability > 1)
        {
            problems.Add($"{name}: MissingFileProbability + MalformedFileProbability exceeds 1.");
        }

        if (ReasoningTokens < 0)
        {
            problems.Add($"{name}: ReasoningTokens must not be negative.");
        }

        if (!(PromptCostPerMillionTokens >= 0) || !(CompletionCostPerMillionTokens >= 0) || PromptCostPerMillionTokens > 1e6 || CompletionCostPerMillionTokens > 1e6)
        {
            problems.Add($"{name}: the token prices must be from 0 to 1,000,000 dollars per million tokens.");
        }

        if (!(TokensPerSecond > 0) || double.IsInfinity(TokensPerSecond))
        {
            problems.Add($"{name}: TokensPerSecond must be above 0.");
        }

        if (string.IsNullOrWhiteSpace(Provider))
        {
            problems.Add($"{name}: Provider must not be empty.");
        }
    }

    private static void CheckProbability(List<string> problems, string name, string property, double value)
    {
        if (!(value is >= 0 and <= 1))
        {
            problems.Add($"{name}: {property} is {value}; a probability is from 0 to 1.");
        }
    }
}
