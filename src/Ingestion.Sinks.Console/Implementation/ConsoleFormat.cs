using System.Globalization;
using Ingestion.Core;
using Microsoft.Extensions.Logging;

namespace Ingestion.Sinks.Console.Implementation;

/// <summary>Text shared by the live and the plain output: durations, rates, levels, results, the summary line.</summary>
internal static class ConsoleFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Duration(TimeSpan value) => value.TotalHours >= 1
        ? value.ToString(@"h\:mm\:ss", Invariant)
        : value.ToString(@"m\:ss", Invariant);

    public static string Rate(double itemsPerSecond) => itemsPerSecond.ToString(itemsPerSecond < 10 ? "0.0" : "0", Invariant) + "/s";

    public static string Percent(JobProgress progress) =>
        progress.PercentComplete is { } percent ? percent.ToString("0", Invariant) + "%" : "-";

    public static string Count(long value) => value.ToString("N0", Invariant);

    public static string Processed(JobProgress progress) => progress.Total is { } total
        ? $"{Count(progress.Processed)}/{Count(total)}"
        : Count(progress.Processed);

    public static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    /// <summary>A result by its name's convention: shares (accuracy, pass@k, rates) in percent, cost in dollars, counts whole.</summary>
    public static string Result(string name, double value)
    {
        if (name.Contains("cost", StringComparison.OrdinalIgnoreCase))
        {
            return value.ToString("$0.0000", Invariant);
        }

        var isShare = name.Contains("accuracy", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("pass", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("rate", StringComparison.OrdinalIgnoreCase);
        if (isShare && value is >= 0 and <= 1)
        {
            return value.ToString("0.0%", Invariant);
        }

        return value == Math.Floor(value) && Math.Abs(value) < 1e15 ? value.ToString("N0", Invariant) : value.ToString("0.###", Invariant);
    }

    /// <summary>The average rate of a whole run: processed items over running time.</summary>
    public static double AverageRate(JobProgress progress) =>
        progress.Elapsed > TimeSpan.Zero ? progress.Processed / progress.Elapsed.TotalSeconds : 0;

    /// <summary>One line: the state and every count of a job that ended.</summary>
    public static string SummaryLine(JobSnapshot summary)
    {
        var p = summary.Progress;
        var counters = string.Concat(p.Counters.Select(c => $", {Count(c.Value)} {c.Key}"));
        return $"{summary.State}: {Processed(p)} processed ({Count(p.Succeeded)} succeeded, {Count(p.Failed)} failed, " +
            $"{Count(p.Skipped)} skipped{counters}) in {Duration(p.Elapsed)}, {Rate(AverageRate(p))}";
    }

    /// <summary>The results as one line ("passAt2 50.0%, cost $0.0123"), or <see langword="null"/> when there are none.</summary>
    public static string? ResultsLine(JobSnapshot summary) => summary.Results.Count == 0
        ? null
        : string.Join(", ", summary.Results.Select(r => $"{r.Key} {Result(r.Key, r.Value)}"));
}
