using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Ingestion.HuggingFace;

/// <summary>
/// Writes one model's submission file for one task in the arcprize layout and says what ingesting it should give.
/// Everything is drawn from a generator seeded by (seed, model folder, task id), so a file depends on nothing else.
/// </summary>
internal static class SubmissionFactory
{
    /// <summary>Costs are whole multiples of 2⁻²⁴ dollars, so that sums of them are exact whatever the order.</summary>
    private const double CostUnits = 1 << 24;

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static readonly TimeSpan TaskSpacing = TimeSpan.FromMinutes(10);

    /// <summary>Gets the JSON writer options for generated files: compact; text is plain ASCII, so relaxed escaping only keeps it readable.</summary>
    internal static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes (or, when the task's file is to be missing, deletes) <c>{directory}/{taskId}.json</c>.</summary>
    /// <param name="directory">The model folder.</param>
    /// <param name="profile">The model.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="task">The puzzle.</param>
    /// <param name="index">The puzzle's index in the set (sets its timestamps).</param>
    /// <param name="baseTimestamp">When task 0 starts.</param>
    /// <param name="rule">What the puzzle's rule is, when known.</param>
    /// <param name="buffer">A buffer to reuse.</param>
    /// <returns>What ingesting the file should give.</returns>
    public static GeneratedTaskExpectation Write(
        string directory,
        GeneratedModelProfile profile,
        int seed,
        ArcTask task,
        int index,
        DateTimeOffset baseTimestamp,
        string? rule,
        ArrayBufferWriter<byte> buffer)
    {
        var path = Path.Combine(directory, task.Id + ".json");
        var random = new SeededRandom(SeededRandom.Derive((ulong)(uint)seed, SeededRandom.Hash(profile.Folder), SeededRandom.Hash(task.Id)));
        var fate = random.NextDouble();
        if (fate < profile.MissingFileProbability)
        {
            File.Delete(path);
            return new GeneratedTaskExpectation(task.Id, GeneratedPuzzleOutcome.NotFound, task.Test.Count, [], 0);
        }

        var malformed = fate < profile.MissingFileProbability + profile.MalformedFileProbability;
        var slots = Plan(random, profile, task, index, baseTimestamp, rule);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteTaskFile(writer, profile, task.Id, slots);
        }

        if (!malformed)
        {
            WriteFile(path, buffer.WrittenSpan);
            return Expect(task, slots);
        }

        if (random.Next(4) == 0)
        {
            // A well-formed JSON value that is not the layout: what an API error saved as the answer file looks like.
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("error", "The provider answered 429 Too Many Requests; no predictions were saved.");
                writer.WriteString("task_id", task.Id);
                writer.WriteEndObject();
            }

            WriteFile(path, buffer.WrittenSpan);
        }
        else
        {
            // A strict prefix of a compact JSON array is never valid JSON: the array is never closed.
            var length = buffer.WrittenCount;
            WriteFile(path, buffer.WrittenSpan[..((length / 4) + random.Next(Math.Max(1, length / 2)))]);
        }

        return new GeneratedTaskExpectation(task.Id, GeneratedPuzzleOutcome.Failed, task.Test.Count, [], 0);
    }

    /// <summary>Writes <c>results.json</c>, the run summary an arcprize model folder holds; the pipeline ignores it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="model">What was written.</param>
    public static void WriteResults(string path, GeneratedModelExpectation model)
    {
        var buffer = new ArrayBufferWriter<byte>(4096 + (model.Tasks.Count * 200));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions with { Indented = true }))
        {
            var tasks = model.Succeeded;
            var attempts = model.Predictions;
            var score = 0.0;
            var empty = 0;
            foreach (var task in model.Tasks)
            {
                score += task.Outcome == GeneratedPuzzleOutcome.Succeeded ? (double)task.SolvedPairs / task.PairCount : 0;
                empty += task.EmptyAnswers;
            }

            writer.WriteStartObject();
            writer.WriteNumber("score", tasks == 0 ? 0 : score / tasks);
            writer.WriteNumber("total_tasks", tasks);
            writer.WriteNumber("total_cost", model.TotalCost);
            writer.WriteNumber("total_attempts", attempts);
            writer.WriteNumber("avg_cost_per_task", tasks == 0 ? 0 : model.TotalCost / tasks);
            writer.WriteNumber("avg_cost_per_attempt", attempts == 0 ? 0 : model.TotalCost / attempts);
            writer.WriteNumber("avg_output_tokens_per_task", tasks == 0 ? 0 : (double)model.CompletionTokens / tasks);
            writer.WriteNumber("avg_total_tokens_per_task", tasks == 0 ? 0 : (double)model.TotalTokens / tasks);
            writer.WriteNumber("avg_duration_per_task", tasks == 0 ? 0 : model.Duration.TotalSeconds / tasks);
            writer.WriteNumber("num_attempts_with_empty_list", empty);
            writer.WriteStartObject("task_results");
            foreach (var task in model.Tasks)
            {
                if (task.Outcome != GeneratedPuzzleOutcome.Succeeded)
                {
                    continue;
                }

                writer.WriteStartObject(task.TaskId);
                writer.WriteNumber("score", (double)task.SolvedPairs / task.PairCount);
                writer.WriteNumber("cost", task.TotalCost);
                writer.WriteNumber("attempts", task.Attempts.Sum(a => a.Predictions.Count));
                writer.WriteNumber("output_tokens", task.CompletionTokens);
                writer.WriteNumber("total_tokens", task.TotalTokens);
                writer.WriteNumber("duration", task.Duration.TotalSeconds);
                writer.WriteNumber("num_attempts_with_empty_list", task.EmptyAnswers);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        WriteFile(path, buffer.WrittenSpan);
    }

    /// <summary>Writes a whole file in one call.</summary>
    /// <param name="path">The file, replaced if it exists.</param>
    /// <param name="content">The bytes.</param>
    internal static void WriteFile(string path, ReadOnlySpan<byte> content)
    {
        using var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        RandomAccess.Write(handle, content, 0);
    }

    private static Slot[,] Plan(SeededRandom random, GeneratedModelProfile profile, ArcTask task, int index, DateTimeOffset baseTimestamp, string? rule)
    {
        var attempts = profile.CorrectProbability.Count;
        var slots = new Slot[task.Test.Count, attempts];
        var demonstrationTokens = 0L;
        foreach (var pair in task.Train)
        {
            demonstrationTokens += Tokens(pair.Input) + (pair.Output is null ? 0 : Tokens(pair.Output));
        }

        for (var p = 0; p < task.Test.Count; p++)
        {
            var input = task.Test[p].Input;
            var expected = task.Test[p].Output;
            var prompt = Prompt(task, p);
            var promptTokens = 180 + demonstrationTokens + Tokens(input);
            for (var n = 0; n < attempts; n++)
            {
                if (n > 0)
                {
                    var presence = random.NextDouble();
                    if (presence < profile.MissingAttemptProbability)
                    {
                        continue;
                    }

                    if (presence < profile.MissingAttemptProbability + profile.NullAttemptProbability)
                    {
                        slots[p, n] = Slot.Null;
                        continue;
                    }
                }

                int[][] answer;
                var empty = false;
                if (random.Chance(profile.InvalidAnswerProbability))
                {
                    answer = Invalid(random, (expected ?? input).ToArray());
                    empty = answer.Length == 0;
                }
                else if (expected is not null && random.Chance(profile.CorrectProbability[n]))
                {
                    answer = expected.ToArray();
                }
                else
                {
                    answer = Wrong(random, expected, input);
                }

                // What counts is what is written: validate and compare the answer itself, as a reader would.
                var valid = ArcGrid.TryCreate(answer, out var grid, out _);
                var correct = valid && expected is not null && expected.Equals(grid);
                var reasoning = profile.ReasoningTokens == 0 ? 0 : (long)(profile.ReasoningTokens * (0.25 + (1.5 * random.NextDouble())));
                var cells = 0L;
                foreach (var row in answer)
                {
                    cells += row.Length;
                }

                var completion = (2 * cells) + answer.Length + random.Next(8, 64) + reasoning;
                var extra = random.Chance(profile.ExtraFieldsProbability);
                slots[p, n] = new Slot
                {
                    Attempt = new PlannedAttempt
                    {
                        PairIndex = p,
                        AttemptNumber = n + 1,
                        Answer = answer,
                        IsValid = valid,
                        IsCorrect = correct,
                        IsEmpty = empty,
                        Prompt = prompt,
                        Assistant = Assistant(answer),
                        ReasoningSummary = profile.ReasoningTokens == 0 ? null : Summary(task.Train.Count, rule, correct),
                        PromptTokens = promptTokens,
                        CompletionTokens = completion,
                        ReasoningTokens = reasoning,
                        PromptCost = Dollars(promptTokens, profile.PromptCostPerMillionTokens),
                        CompletionCost = Dollars(completion, profile.CompletionCostPerMillionTokens),
                        ReasoningCost = reasoning == 0 ? null : Dollars(reasoning, profile.CompletionCostPerMillionTokens),
                        DurationMilliseconds = 300 + (long)Math.Round(completion * 1000 / profile.TokensPerSecond * (0.8 + (0.4 * random.NextDouble()))),
                        CachedTokens = extra ? random.Next((int)Math.Min(int.MaxValue, (promptTokens / 2) + 1)) : null,
                        Turns = extra ? random.Next(1, 4) : 0,
                    },
                };
            }
        }

        // The pairs of one attempt number run back to back, so a record's span equals the sum of its durations.
        var cursor = baseTimestamp + (TaskSpacing * index) + TimeSpan.FromMilliseconds(random.Next(60_000));
        for (var n = 0; n < attempts; n++)
        {
            for (var p = 0; p < task.Test.Count; p++)
            {
                if (slots[p, n].Attempt is { } attempt)
                {
                    attempt.StartedAt = cursor;
                    cursor += TimeSpan.FromMilliseconds(attempt.DurationMilliseconds);
                    attempt.EndedAt = cursor;
                }
            }

            cursor += TimeSpan.FromMilliseconds(random.Next(1_000, 5_000));
        }

        return slots;
    }

    private static GeneratedTaskExpectation Expect(ArcTask task, Slot[,] slots)
    {
        var records = new List<GeneratedAttemptRecord>(slots.GetLength(1));
        var empty = 0;
        for (var n = 0; n < slots.GetLength(1); n++)
        {
            List<GeneratedPrediction>? predictions = null;
            long prompt = 0, completion = 0, reasoning = 0;
            var cost = 0.0;
            var duration = TimeSpan.Zero;
            DateTimeOffset started = DateTimeOffset.MaxValue, ended = DateTimeOffset.MinValue;
            for (var p = 0; p < slots.GetLength(0); p++)
            {
                if (slots[p, n].Attempt is not { } attempt)
                {
                    continue;
                }

                (predictions ??= []).Add(new GeneratedPrediction(p, n + 1, attempt.IsValid, attempt.IsCorrect));
                prompt += attempt.PromptTokens;
                completion += attempt.CompletionTokens;
                reasoning += attempt.ReasoningTokens;
                cost += attempt.PromptCost + attempt.CompletionCost;
                duration += attempt.EndedAt - attempt.StartedAt;
                started = attempt.StartedAt < started ? attempt.StartedAt : started;
                ended = attempt.EndedAt > ended ? attempt.EndedAt : ended;
                empty += attempt.IsEmpty ? 1 : 0;
            }

            if (predictions is not null)
            {
                records.Add(new GeneratedAttemptRecord(n + 1, predictions, prompt, completion, reasoning, cost, started, ended, duration));
            }
        }

        return new GeneratedTaskExpectation(task.Id, GeneratedPuzzleOutcome.Succeeded, task.Test.Count, records, empty);
    }

    private static void WriteTaskFile(Utf8JsonWriter writer, GeneratedModelProfile profile, string taskId, Slot[,] slots)
    {
        writer.WriteStartArray();
        for (var p = 0; p < slots.GetLength(0); p++)
        {
            writer.WriteStartObject();
            for (var n = 0; n < slots.GetLength(1); n++)
            {
                var slot = slots[p, n];
                if (slot.IsNull)
                {
                    writer.WriteNull(AttemptName(n + 1));
                }
                else if (slot.Attempt is { } attempt)
                {
                    writer.WritePropertyName(AttemptName(n + 1));
                    WriteAttempt(writer, profile, taskId, attempt);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteAttempt(Utf8JsonWriter writer, GeneratedModelProfile profile, string taskId, PlannedAttempt attempt)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("answer");
        WriteRows(writer, attempt.Answer);
        writer.WriteStartObject("metadata");
        writer.WriteString("model", profile.Model ?? profile.Folder);
        writer.WriteString("provider", profile.Provider);
        writer.WriteString("start_timestamp", attempt.StartedAt.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture));
        writer.WriteString("end_timestamp", attempt.EndedAt.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture));
        writer.WriteStartArray("choices");
        AttemptJson.WriteChoice(writer, 0, "user", attempt.Prompt);
        AttemptJson.WriteChoice(writer, 1, "assistant", attempt.Assistant);
        writer.WriteEndArray();
        writer.WriteString("reasoning_summary", attempt.ReasoningSummary);
        writer.WriteStartObject("kwargs");
        writer.WriteEndObject();

        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", attempt.PromptTokens);
        writer.WriteNumber("completion_tokens", attempt.CompletionTokens);
        writer.WriteNumber("total_tokens", attempt.PromptTokens + attempt.CompletionTokens);
        if (attempt.CachedTokens is { } cached)
        {
            writer.WriteStartObject("prompt_tokens_details");
            writer.WriteNumber("cached_tokens", cached);
            writer.WriteNumber("audio_tokens", 0);
            writer.WriteEndObject();
        }

        writer.WriteStartObject("completion_tokens_details");
        writer.WriteNumber("reasoning_tokens", attempt.ReasoningTokens);
        writer.WriteNumber("accepted_prediction_tokens", attempt.CompletionTokens - attempt.ReasoningTokens);
        writer.WriteNumber("rejected_prediction_tokens", 0);
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartObject("cost");
        writer.WriteNumber("prompt_cost", attempt.PromptCost);
        writer.WriteNumber("completion_cost", attempt.CompletionCost);
        if (attempt.ReasoningCost is { } reasoningCost)
        {
            writer.WriteNumber("reasoning_cost", reasoningCost);
        }
        else
        {
            writer.WriteNull("reasoning_cost");
        }

        writer.WriteNumber("total_cost", attempt.PromptCost + attempt.CompletionCost);
        writer.WriteEndObject();

        writer.WriteString("task_id", taskId);
        writer.WriteNumber("pair_index", attempt.PairIndex);
        writer.WriteString("test_id", profile.Folder);
        if (attempt.Turns > 0)
        {
            writer.WriteStartArray("tool_calls");
            writer.WriteEndArray();
            writer.WriteNumber("num_turns", attempt.Turns);
        }

        writer.WriteEndObject();
        writer.WriteBoolean("correct", attempt.IsCorrect);
        writer.WriteEndObject();
    }

    private static void WriteRows(Utf8JsonWriter writer, int[][] rows)
    {
        writer.WriteStartArray();
        foreach (var row in rows)
        {
            writer.WriteStartArray();
            foreach (var cell in row)
            {
                writer.WriteNumberValue(cell);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    private static string AttemptName(int number) => number switch
    {
        1 => "attempt_1",
        2 => "attempt_2",
        _ => "attempt_" + number.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A plausible wrong answer: a few cells changed (70 %), else a row or column too few or too many.</summary>
    private static int[][] Wrong(SeededRandom random, ArcGrid? expected, ArcGrid input)
    {
        if (expected is null)
        {
            return input.ToArray();
        }

        var rows = expected.ToArray();
        var height = rows.Length;
        var width = rows[0].Length;
        if (random.NextDouble() < 0.7)
        {
            Span<int> changed = stackalloc int[3];
            var count = random.Next(1, 4);
            for (var k = 0; k < count; k++)
            {
                var cell = random.Next(height * width);

                // A cell changed twice could change back; change each at most once, so the first change always stands.
                if (changed[..k].Contains(cell))
                {
                    changed[k] = -1;
                    continue;
                }

                changed[k] = cell;
                ref var value = ref rows[cell / width][cell % width];
                value = (value + 1 + random.Next(9)) % 10;
            }

            return rows;
        }

        if (height > 1 && (width == 1 || random.Chance(0.5)))
        {
            return rows[..^1];
        }

        if (width > 1)
        {
            for (var r = 0; r < height; r++)
            {
                rows[r] = rows[r][..^1];
            }

            return rows;
        }

        return [.. rows, [.. rows[^1]]];
    }

    /// <summary>An answer that is not a valid grid, of one of four kinds: empty, ragged, a colour out of range, too many rows.</summary>
    private static int[][] Invalid(SeededRandom random, int[][] rows)
    {
        switch (random.Next(4))
        {
            case 0:
                return [];
            case 1:
                if (rows.Length == 1)
                {
                    rows = [rows[0], [.. rows[0]]];
                }

                rows[^1] = [.. rows[^1], rows[^1][0]];
                return rows;
            case 2:
                rows[random.Next(rows.Length)][random.Next(rows[0].Length)] = 10;
                return rows;
            default:
                var tall = new int[ArcGrid.MaxSize + 1][];
                for (var r = 0; r < tall.Length; r++)
                {
                    tall[r] = [.. rows[r % rows.Length]];
                }

                return tall;
        }
    }

    private static long Tokens(ArcGrid grid) => (2L * grid.Height * grid.Width) + grid.Height + 4;

    private static double Dollars(long tokens, double pricePerMillion) => Math.Round(tokens * pricePerMillion / 1e6 * CostUnits) / CostUnits;

    private static string Prompt(ArcTask task, int pair) => string.Create(
        CultureInfo.InvariantCulture,
        $"You are solving ARC puzzle {task.Id}. Each of its {task.Train.Count} training examples (left out of this record) turns an input grid into an output grid by the same rule. Find the rule and apply it to test input {pair}. Answer with the output grid as a JSON array of rows.\n\nTest input {pair}:\n{task.Test[pair].Input}");

    private static string Assistant(int[][] answer)
    {
        var text = new StringBuilder(32 + (answer.Length * 28));
        text.Append("Applying the rule to the test input gives:\n```json\n[");
        for (var r = 0; r < answer.Length; r++)
        {
            text.Append(r == 0 ? "[" : ",[");
            for (var c = 0; c < answer[r].Length; c++)
            {
                text.Append(c == 0 ? string.Empty : ",").Append(answer[r][c].ToString(CultureInfo.InvariantCulture));
            }

            text.Append(']');
        }

        return text.Append("]\n```").ToString();
    }

    private static string Summary(int demonstrations, string? rule, bool correct) => (rule, correct) switch
    {
        (not null, true) => string.Create(CultureInfo.InvariantCulture, $"All {demonstrations} training pairs agree: {rule}. Applied that to the test input."),
        (not null, false) => string.Create(CultureInfo.InvariantCulture, $"The {demonstrations} training pairs suggest that {rule}, though some cells did not fit; this is a best guess."),
        (null, true) => string.Create(CultureInfo.InvariantCulture, $"Found one rule that explains all {demonstrations} training pairs and applied it to the test input."),
        _ => string.Create(CultureInfo.InvariantCulture, $"No single rule explained all {demonstrations} training pairs; this is a best guess."),
    };

    private struct Slot
    {
        public static readonly Slot Null = new() { IsNull = true };

        public bool IsNull;
        public PlannedAttempt? Attempt;
    }

    private sealed class PlannedAttempt
    {
        public required int PairIndex { get; init; }

        public required int AttemptNumber { get; init; }

        public required int[][] Answer { get; init; }

        public required bool IsValid { get; init; }

        public required bool IsCorrect { get; init; }

        public required bool IsEmpty { get; init; }

        public required string Prompt { get; init; }

        public required string Assistant { get; init; }

        public required string? ReasoningSummary { get; init; }

        public required long PromptTokens { get; init; }

        public required long CompletionTokens { get; init; }

        public required long ReasoningTokens { get; init; }

        public required double PromptCost { get; init; }

        public required double CompletionCost { get; init; }

        public required double? ReasoningCost { get; init; }

        public required long DurationMilliseconds { get; init; }

        public required long? CachedTokens { get; init; }

        public required int Turns { get; init; }

        public DateTimeOffset StartedAt { get; set; }

        public DateTimeOffset EndedAt { get; set; }
    }
}
