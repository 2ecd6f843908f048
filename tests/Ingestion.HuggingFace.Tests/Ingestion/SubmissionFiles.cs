using System.Text;
using System.Text.Json;

namespace Ingestion.HuggingFace.Tests;

/// <summary>Writes hand-made submission files in the arcprize layout, for the cases a test spells out.</summary>
internal static class SubmissionFiles
{
    /// <summary>An attempt object with the given answer (any JSON) and a little metadata.</summary>
    public static string Attempt(string answerJson, string taskId, int pairIndex, long tokens = 10, double cost = 0.5, int seconds = 2)
        => $$$"""
           {"answer": {{{answerJson}}}, "correct": null, "metadata": {"model": "m", "provider": "p",
            "start_timestamp": "2025-01-01T00:00:00Z", "end_timestamp": "2025-01-01T00:00:0{{{seconds}}}Z",
            "choices": [{"index": 0, "message": {"role": "user", "content": "prompt {{{taskId}}}"}}, {"index": 1, "message": {"role": "assistant", "content": "answer"}}],
            "reasoning_summary": "thought", "kwargs": {}, "tool_calls": [], "num_turns": 1,
            "usage": {"prompt_tokens": {{{tokens}}}, "completion_tokens": {{{tokens}}}, "total_tokens": {{{tokens * 2}}}, "prompt_tokens_details": {"cached_tokens": 0},
              "completion_tokens_details": {"reasoning_tokens": 1}},
            "cost": {"prompt_cost": 0, "completion_cost": 0, "reasoning_cost": null, "total_cost": {{{cost.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}},
            "task_id": "{{{taskId}}}", "pair_index": {{{pairIndex}}}, "test_id": "t"}}
           """;

    public static string Grid(ArcGrid grid) => grid.ToString();

    /// <summary>A wrong answer of the right size: the first cell changed.</summary>
    public static string Wrong(ArcGrid grid)
    {
        var rows = grid.ToArray();
        rows[0][0] = (rows[0][0] + 1) % 10;
        return JsonSerializer.Serialize(rows);
    }

    /// <summary>Writes <c>{folder}/{taskId}.json</c> with attempt 1 right and attempt 2 wrong on every pair.</summary>
    public static void WriteRightAndWrong(string folder, ArcTask task)
    {
        var pairs = task.Test.Select((pair, i) => $$"""{"attempt_1": {{Attempt(Grid(pair.Output!), task.Id, i)}}, "attempt_2": {{Attempt(Wrong(pair.Output!), task.Id, i)}}}""");
        Write(folder, task.Id, "[" + string.Join(",", pairs) + "]");
    }

    public static void Write(string folder, string taskId, string content)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, taskId + ".json"), content, new UTF8Encoding(false));
    }
}
