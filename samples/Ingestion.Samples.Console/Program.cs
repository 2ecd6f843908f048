using Ingestion.Core;
using Ingestion.HuggingFace;
using Microsoft.Extensions.DependencyInjection;

// The HuggingFace ingestion on generated data, with no server and no internet:
//   (no arguments)                      ingest the embedded dataset, pausing and resuming it on the way
//   generate <directory> [puzzles]      write a seeded dataset: <directory>/puzzles and <directory>/dataset/{model}/
//   convert <model folder> <file>       pack a folder of per-task JSON files into one Parquet file (or .jsonl)
// (The full console host, with a live display and keys, replaces the first of these in a later version.)
try
{
    return args switch
    {
        [] => await RunDemoAsync(),
        ["generate", var directory] => await GenerateAsync(directory, 200),
        ["generate", var directory, var count] when int.TryParse(count, out var puzzles) && puzzles > 0 => await GenerateAsync(directory, puzzles),
        ["convert", var folder, var destination] => await ConvertAsync(folder, destination),
        _ => Usage(),
    };
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Ingestion.Samples.Console [generate <directory> [puzzles] | convert <model folder> <file.parquet|file.jsonl>]");
    return 2;
}

static async Task<int> GenerateAsync(string directory, int puzzles)
{
    var generated = await ArcDatasetGenerator.WriteAsync(
        new ArcDatasetGeneratorOptions { PuzzleCount = puzzles }, Path.Combine(directory, "puzzles"), Path.Combine(directory, "dataset"));
    foreach (var model in generated.Models)
    {
        Console.WriteLine($"{model.Folder}: {model.Succeeded} puzzles with a file, {model.NotFound} without, {model.Failed} malformed; " +
            $"{model.AttemptsSaved} attempts, {model.CorrectPredictions}/{model.Predictions} predictions correct, pass@2 {model.PassRate:P1}");
    }

    Console.WriteLine($"Wrote {generated.TaskIds.Count} puzzles to {Path.Combine(directory, "puzzles")} and the submissions to {generated.DatasetDirectory}.");
    return 0;
}

static async Task<int> ConvertAsync(string folder, string destination)
{
    var result = destination.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
        ? await SubmissionConverter.ConvertFolderToJsonLinesAsync(folder, destination)
        : await SubmissionConverter.ConvertFolderToParquetAsync(folder, destination);
    foreach (var failure in result.Failures)
    {
        Console.Error.WriteLine($"skipped {failure.TaskId}: {failure.Error}");
    }

    Console.WriteLine($"Wrote {result.Rows} rows of {result.Tasks} tasks to {destination} ({result.Failures.Count} files skipped).");
    return 0;
}

static async Task<int> RunDemoAsync()
{
    // The embedded default: a seeded dataset generated on first use into a local folder.
    var root = Path.Combine(AppContext.BaseDirectory, "sample-data");
    if (!Directory.Exists(Path.Combine(root, "dataset")))
    {
        await GenerateAsync(root, 200);
    }

    var services = new ServiceCollection().AddLogging();
    services.AddIngestion(o => o.ProgressInterval = TimeSpan.FromMilliseconds(200))
        .AddHuggingFaceIngestion(o =>
        {
            o.Tasks.Add("Generated", Path.Combine(root, "puzzles"));
            o.LocalDatasetRoots.Add(root);
        });
    await using var provider = services.BuildServiceProvider();
    var manager = provider.GetRequiredService<IJobManager>();

    var job = await manager.StartAsync(HuggingFaceIngestionJob.Kind, new HuggingFaceIngestionParameters
    {
        LocalPath = Path.Combine(root, "dataset"),
        Dataset = "generated/arc-synthetic",
        ModelFolder = "synthetic-medium",
        Source = "Generated",
        ForceOverwrite = true,
        Concurrency = 1,
        DelayMs = 15, // slow enough to watch
    });
    Console.WriteLine($"Started job {job.Id} ({HuggingFaceIngestionJob.Kind}), {job.State}.");

    var steering = Task.Run(async () =>
    {
        await Wait(manager, job.Id, p => p.Processed >= 60);
        var pause = await manager.PauseAsync(job.Id);
        Console.WriteLine($"> pause: {pause.Status}, {pause.Message}");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var resume = await manager.ResumeAsync(job.Id);
        Console.WriteLine($"> resume: {resume.Status}, {resume.Message}");
    });

    var lines = 0;
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
            case JobLogEvent log when lines++ < 12 || log.Level >= Microsoft.Extensions.Logging.LogLevel.Warning:
                Console.WriteLine($"#{e.Seq,-4} log      {log.Message}");
                break;
            case JobCompletedEvent completed:
                var summary = completed.Summary;
                var p = summary.Progress;
                Console.WriteLine($"#{e.Seq,-4} done     {summary.State}: {p.Succeeded} succeeded, {p.Failed} failed, {p.Skipped} skipped, " +
                    $"{p.Counters.GetValueOrDefault("NotFound")} not found in {p.Elapsed.TotalSeconds:0.0} s (paused time excluded)");
                Console.WriteLine($"         {p.Counters.GetValueOrDefault("AttemptsSaved")} attempts saved, " +
                    $"{p.Counters.GetValueOrDefault("PredictionsCorrect")}/{p.Counters.GetValueOrDefault("Predictions")} predictions correct, " +
                    $"attempt 1 {summary.Results.GetValueOrDefault("attempt1Accuracy"):P1}, pass@2 {summary.Results.GetValueOrDefault("passAt2"):P1}, " +
                    $"{summary.Results.GetValueOrDefault("totalTokens"):N0} tokens, ${summary.Results.GetValueOrDefault("cost"):0.0000}");
                break;
        }
    }

    await steering;
    var final = await manager.GetAsync(job.Id);
    return final?.State == JobState.Completed ? 0 : 1;
}

static async Task Wait(IJobManager manager, string jobId, Func<JobProgress, bool> condition)
{
    while (await manager.GetAsync(jobId) is { } job && job.State.IsLive() && !condition(job.Progress))
    {
        await Task.Delay(5);
    }
}

static string Bar(JobProgress p)
{
    const int width = 30;
    var filled = (int)Math.Round((p.PercentComplete ?? 0) / 100 * width);
    var eta = p.EstimatedRemaining is { } r ? $" ETA {r:mm\\:ss}" : "";
    return $"[{new string('#', filled)}{new string('.', width - filled)}] {p.Processed}/{p.Total} {p.PercentComplete ?? 0:0}% " +
        $"{p.ItemsPerSecond:0.0}/s current {p.CurrentItem}{eta}";
}
