using Ingestion.Core;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Ingestion.Sinks.Console.Implementation;

/// <summary>The renderables of live mode: the table of live jobs with the footer, a log line, a job's summary.</summary>
internal static class LiveTable
{
    private const int BarWidth = 20;

    public static IRenderable Build(IReadOnlyList<JobView> jobs, string? selectedJobId, string? footer)
    {
        if (jobs.Count == 0 && footer is null)
        {
            return Text.Empty;
        }

        var table = new Table().Border(TableBorder.Simple).Expand();
        table.AddColumns("", "job");
        table.AddColumn(new TableColumn("progress").NoWrap());
        table.AddColumns("%", "ok", "failed", "skipped", "current", "rate", "ETA", "elapsed", "state");
        foreach (var job in jobs)
        {
            var p = job.Progress;
            var selected = job.Id == selectedJobId;
            var paused = job.State is JobState.Paused or JobState.Pausing;
            table.AddRow(
                new Markup(selected ? $"[bold]>{job.Number}[/]" : $" {job.Number}"),
                new Markup(selected ? $"[bold]{Markup.Escape(job.Label)}[/]" : Markup.Escape(job.Label)),
                new Markup(Bar(p, job.State)),
                new Text(ConsoleFormat.Percent(p)),
                new Markup($"[green]{ConsoleFormat.Count(p.Succeeded)}[/]"),
                new Markup(p.Failed > 0 ? $"[red]{ConsoleFormat.Count(p.Failed)}[/]" : "0"),
                new Text(ConsoleFormat.Count(p.Skipped)),
                new Text(p.CurrentItem ?? ""),
                new Text(paused || job.State != JobState.Running ? "-" : ConsoleFormat.Rate(p.ItemsPerSecond)),
                new Text(paused ? "paused" : p.EstimatedRemaining is { } eta ? ConsoleFormat.Duration(eta) : "-"),
                new Text(ConsoleFormat.Duration(p.Elapsed)),
                new Markup(State(job.State)));
        }

        return footer is null ? table : new Rows(table, new Markup($"[grey]{Markup.Escape(footer)}[/]"));
    }

    public static IRenderable Summary(JobView job, JobSnapshot summary)
    {
        var p = summary.Progress;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{Markup.Escape(job.Label)}: {State(summary.State)}")
            .AddColumns("", "");
        table.ShowHeaders = false;
        table.AddRow("processed", ConsoleFormat.Processed(p));
        table.AddRow("succeeded", ConsoleFormat.Count(p.Succeeded));
        table.AddRow("failed", ConsoleFormat.Count(p.Failed));
        table.AddRow("skipped", ConsoleFormat.Count(p.Skipped));
        foreach (var counter in p.Counters)
        {
            table.AddRow(Markup.Escape(counter.Key), ConsoleFormat.Count(counter.Value));
        }

        table.AddRow("elapsed", ConsoleFormat.Duration(p.Elapsed) + " (pauses excluded)");
        table.AddRow("rate", ConsoleFormat.Rate(ConsoleFormat.AverageRate(p)));
        foreach (var result in summary.Results)
        {
            table.AddRow(Markup.Escape(result.Key), ConsoleFormat.Result(result.Key, result.Value));
        }

        if (summary.Error is { } error)
        {
            table.AddRow("[red]error[/]", Markup.Escape($"{error.Type}: {error.Message}"));
        }

        return table;
    }

    public static string Bar(JobProgress progress, JobState state)
    {
        var filled = (int)Math.Round(Math.Clamp(progress.PercentComplete ?? 0, 0, 100) / 100 * BarWidth);
        var colour = state switch
        {
            JobState.Paused or JobState.Pausing => "yellow",
            JobState.Queued => "grey",
            _ => "green",
        };
        return $"[{colour}]{new string('━', filled)}[/][grey]{new string('━', BarWidth - filled)}[/]";
    }

    public static string State(JobState state) => state switch
    {
        JobState.Running => "[green]Running[/]",
        JobState.Pausing => "[yellow]Pausing[/]",
        JobState.Paused => "[yellow bold]Paused[/]",
        JobState.Completed => "[green bold]Completed[/]",
        JobState.Failed => "[red bold]Failed[/]",
        JobState.Cancelled => "[red]Cancelled[/]",
        JobState.Interrupted => "[darkorange]Interrupted[/]",
        _ => $"[grey]{state}[/]",
    };
}
