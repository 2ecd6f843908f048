using System.Globalization;
using Ingestion.Core;
using Microsoft.Extensions.Logging;

// A tour of the job engine without DI: start a job, watch it, pause it, resume it, let it complete.
// (The full console host with the HuggingFace ingestion replaces this demo in a later version.)
var items = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 60;
await using var manager = new JobManager(new IngestionOptions { ProgressInterval = TimeSpan.FromMilliseconds(200) });

var job = await manager.StartAsync(async (context, cancellationToken) =>
{
    context.Progress.SetTotal(items);
    for (var i = 1; i <= items; i++)
    {
        await context.WaitIfPausedAsync();
        context.Progress.SetCurrentItem($"item-{i:000}");
        await Task.Delay(TimeSpan.FromMilliseconds(25), context.TimeProvider, cancellationToken);
        if (i % 17 == 0)
        {
            context.Progress.IncrementSkipped();
            context.Logger.LogInformation("item-{Item:000} skipped: already imported", i);
        }
        else
        {
            context.Progress.IncrementSucceeded();
        }
    }

    context.SetResult("items", items);
}, new JobStartOptions { Name = "demo import" });

Console.WriteLine($"Started job {job.Id} ({job.Name}), {job.State}.");

var steering = Task.Run(async () =>
{
    await Task.Delay(TimeSpan.FromMilliseconds(items * 25 / 3));
    var pause = await manager.PauseAsync(job.Id);
    Console.WriteLine($"> pause: {pause.Status}, {pause.Message}");
    await Task.Delay(TimeSpan.FromSeconds(1.5));
    var resume = await manager.ResumeAsync(job.Id);
    Console.WriteLine($"> resume: {resume.Status}, {resume.Message}");
});

await foreach (var e in manager.WatchAsync(job.Id))
{
    switch (e)
    {
        case JobStateChangedEvent state:
            Console.WriteLine($"#{e.Seq,-4} state    {state.PreviousState?.ToString() ?? "-"} -> {state.State}");
            break;
        case JobProgressEvent progress:
            Console.WriteLine($"#{e.Seq,-4} progress {Bar(progress.Progress)}");
            break;
        case JobLogEvent log:
            Console.WriteLine($"#{e.Seq,-4} log      {log.Message}");
            break;
        case JobCompletedEvent completed:
            var summary = completed.Summary;
            Console.WriteLine($"#{e.Seq,-4} done     {summary.State}: {summary.Progress.Succeeded} succeeded, {summary.Progress.Skipped} skipped, " +
                $"{summary.Progress.Failed} failed in {summary.Progress.Elapsed.TotalSeconds:0.0} s (paused time excluded)");
            break;
    }
}

await steering;
var final = await manager.GetAsync(job.Id);
return final?.State == JobState.Completed ? 0 : 1;

static string Bar(JobProgress p)
{
    const int width = 30;
    var filled = (int)Math.Round((p.PercentComplete ?? 0) / 100 * width);
    var eta = p.EstimatedRemaining is { } r ? $" ETA {r:mm\\:ss}" : "";
    return $"[{new string('#', filled)}{new string('.', width - filled)}] {p.Processed}/{p.Total} {p.PercentComplete ?? 0:0}% " +
        $"{p.ItemsPerSecond:0.0}/s current {p.CurrentItem}{eta}";
}
