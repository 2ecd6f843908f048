using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ingestion.HuggingFace.Tests.Submissions;

/// <summary>Submission folders for the format tests: the real sample, and one built here with the awkward cases.</summary>
internal static class SubmissionSamples
{
    /// <summary>The real arc-agi-benchmarking sample submission folder.</summary>
    public static string RealSampleFolder => System.IO.Path.Combine(Repository.Root, "..", "shared", "data", "arc-agi-benchmarking-sample", "submissions", "example_model");

    /// <summary>
    /// Writes task files covering the awkward cases: several pairs, <c>attempt_2</c> missing and null, unknown fields,
    /// answers that are empty, ragged, out of range, too tall, non-integer, not arrays, missing or null, timestamps with
    /// offsets and microseconds, non-ASCII text; plus a <c>results.json</c> and a text file the converter must skip.
    /// </summary>
    public static void WriteEdgeCaseFolder(string folder)
    {
        const string unknownFields = """
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "grid", "arguments": "{}"}}], "num_turns": 3,
            """;
        Write(folder, "0a1b2c3d", $$"""
            [
              {
                "attempt_1": {{Attempt("[[1,2],[3,4]]", pair: 0, correct: "true", extra: unknownFields)}},
                "attempt_2": {{Attempt("[[0]]", pair: 0, correct: "false")}}
              },
              {
                "attempt_1": {{Attempt(Grid(30, 30, 7), pair: 1, correct: "true")}},
                "attempt_2": null
              },
              {
                "attempt_1": {{Attempt("[[5,6,7]]", pair: null, correct: "null")}}
              }
            ]
            """);
        Write(folder, "1e2f3a4b", $$"""
            [
              {
                "attempt_1": {{Attempt("[]", pair: 0, correct: "false")}},
                "attempt_2": {{Attempt("[[1,2],[3]]", pair: 0, correct: "false")}}
              },
              {
                "attempt_1": {{Attempt("[[10,1],[2,-1]]", pair: 1, correct: "false")}},
                "attempt_2": {{Attempt(Grid(31, 2, 3), pair: 1, correct: "false")}}
              }
            ]
            """);
        Write(folder, "2c3d4e5f", $$"""
            [
              {
                "attempt_1": {{Attempt("[[1.5,2]]", pair: 0, correct: "false")}},
                "attempt_2": {{Attempt("\"[[1]]\"", pair: 0, correct: "false")}}
              },
              {
                "attempt_1": {{Attempt("[[]]", pair: 1, correct: "false")}},
                "attempt_2": {{Attempt("[1,2]", pair: 1, correct: "false")}}
              },
              {
                "attempt_1": {{Attempt("null", pair: 2, correct: "false")}},
                "attempt_2": {{Attempt(null, pair: 2, correct: "false")}}
              },
              {
                "attempt_1": {{Attempt("[[1,\"a\"]]", pair: 3, correct: "false")}},
                "attempt_2": {{Attempt("[[3000000000]]", pair: 3, correct: "false")}}
              }
            ]
            """);
        Write(folder, "3f4a5b6c", """
            [
              {
                "attempt_1": {
                  "answer": [[4, 4], [4, 4]],
                  "correct": true,
                  "metadata": {
                    "model": "modèle-χ",
                    "start_timestamp": "2025-03-04T05:06:07.123456+02:00",
                    "end_timestamp": "2025-03-04T03:06:09.5Z",
                    "choices": [
                      {"index": 0, "message": {"role": "system", "content": "Be brief."}},
                      {"index": 1, "message": {"role": "user", "content": "Solve ✓ 日本語 \"quoted\"\nline two"}},
                      {"index": 2, "message": {"role": "assistant", "content": "first"}},
                      {"index": 3, "message": {"role": "assistant", "content": "[[4,4],[4,4]]"}}
                    ],
                    "reasoning_summary": "It repeats <the> colour & fills.",
                    "usage": {
                      "prompt_tokens": 12345678901,
                      "completion_tokens": 77,
                      "total_tokens": 12345678978,
                      "prompt_tokens_details": {"cached_tokens": 5},
                      "completion_tokens_details": {"reasoning_tokens": 40}
                    },
                    "cost": {"prompt_cost": 0.1, "completion_cost": 0.0234, "total_cost": 0.1234}
                  }
                }
              }
            ]
            """);

        File.WriteAllText(System.IO.Path.Combine(folder, "results.json"), """{"score": 0.5, "tasks": 4}""");
        File.WriteAllText(System.IO.Path.Combine(folder, "README.txt"), "not a task");
    }

    /// <summary>Reads a folder's task files the reference way: each through <see cref="SubmissionJson"/>, sorted by id.</summary>
    public static async Task<List<TaskSubmission>> ReadFolderAsJsonAsync(string folder)
    {
        var tasks = new List<TaskSubmission>();
        foreach (var path in Directory.GetFiles(folder, "*.json").Where(p => System.IO.Path.GetFileName(p) != "results.json").Order(StringComparer.Ordinal))
        {
            await using var stream = File.OpenRead(path);
            tasks.Add(await SubmissionJson.ReadTaskFileAsync(stream, System.IO.Path.GetFileNameWithoutExtension(path)));
        }

        return tasks;
    }

    public static async Task<List<TaskSubmission>> ToListAsync(this IAsyncEnumerable<TaskSubmission> source)
    {
        var list = new List<TaskSubmission>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>Asserts that two reads hold the same tasks and the same attempts, property by property.</summary>
    /// <param name="actual">What the format under test read back.</param>
    /// <param name="expected">What the JSON reader read.</param>
    /// <param name="exactRawJson">Whether the raw JSON must be the same text (Parquet) or the same JSON value (JSONL compacts it).</param>
    public static void ShouldMatch(this IReadOnlyList<TaskSubmission> actual, IReadOnlyList<TaskSubmission> expected, bool exactRawJson)
    {
        actual.Select(t => t.TaskId).Should().Equal(expected.Select(t => t.TaskId));
        for (var t = 0; t < expected.Count; t++)
        {
            actual[t].Attempts.Should().HaveSameCount(expected[t].Attempts, "task {0} has that many attempts", expected[t].TaskId);
            for (var a = 0; a < expected[t].Attempts.Count; a++)
            {
                var because = $"task {expected[t].TaskId}, attempt #{a}";
                var x = actual[t].Attempts[a];
                var e = expected[t].Attempts[a];
                x.TaskId.Should().Be(e.TaskId, because);
                x.PairIndex.Should().Be(e.PairIndex, because);
                x.AttemptNumber.Should().Be(e.AttemptNumber, because);
                x.Answer.Should().Be(e.Answer, because);
                x.AnswerError.Should().Be(e.AnswerError, because);
                x.ReportedCorrect.Should().Be(e.ReportedCorrect, because);
                x.Model.Should().Be(e.Model, because);
                x.Provider.Should().Be(e.Provider, because);
                x.StartedAt.Should().Be(e.StartedAt, because);
                x.EndedAt.Should().Be(e.EndedAt, because);
                x.StartedAt?.Offset.Should().Be(TimeSpan.Zero, because);
                x.EndedAt?.Offset.Should().Be(TimeSpan.Zero, because);
                x.UserPrompt.Should().Be(e.UserPrompt, because);
                x.AssistantContent.Should().Be(e.AssistantContent, because);
                x.ReasoningSummary.Should().Be(e.ReasoningSummary, because);
                x.PromptTokens.Should().Be(e.PromptTokens, because);
                x.CompletionTokens.Should().Be(e.CompletionTokens, because);
                x.ReasoningTokens.Should().Be(e.ReasoningTokens, because);
                x.TotalTokens.Should().Be(e.TotalTokens, because);
                x.TotalCost.Should().Be(e.TotalCost, because);
                if (exactRawJson)
                {
                    x.RawJson.Should().Be(e.RawJson, because);
                }
                else
                {
                    JsonNode.DeepEquals(JsonNode.Parse(x.RawJson), JsonNode.Parse(e.RawJson)).Should().BeTrue($"the raw JSON of {because} is the same value: {x.RawJson}");
                }
            }
        }
    }

    private static string Grid(int height, int width, int colour)
        => "[" + string.Join(",", Enumerable.Repeat("[" + string.Join(",", Enumerable.Repeat(colour, width)) + "]", height)) + "]";

    private static string Attempt(string? answer, int? pair, string correct, string extra = "")
    {
        var text = new StringBuilder("{");
        if (answer is not null)
        {
            text.Append($"\"answer\": {answer}, ");
        }

        text.Append($"\"correct\": {correct}, ").Append(extra).Append("""
            "metadata": {
              "model": "test-model",
              "provider": "test",
              "start_timestamp": "2025-01-01T00:00:00.000001Z",
              "end_timestamp": "2025-01-01T00:00:02.5+00:00",
              "choices": [
                {"index": 0, "message": {"role": "user", "content": "prompt"}},
                {"index": 1, "message": {"role": "assistant", "content": "answer text"}}
              ],
              "reasoning_summary": null,
              "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30, "completion_tokens_details": {"reasoning_tokens": 5}},
              "cost": {"total_cost": 0.002},
            """);
        if (pair is { } index)
        {
            text.Append($"\"pair_index\": {index}, ");
        }

        return text.Append("\"task_id\": \"ignored\"}}").ToString();
    }

    private static void Write(string folder, string taskId, string json)
    {
        using var _ = JsonDocument.Parse(json); // a broken fixture fails here, not as a format error later
        File.WriteAllText(System.IO.Path.Combine(folder, taskId + ".json"), json);
    }
}
