using System.CommandLine;
using Ingestion.HuggingFace;
using Ingestion.Samples.Console;

// The console host of the HuggingFace ingestion (no arguments: the embedded generated dataset into a local SQLite
// file, with the live display), plus the dataset generator and the JSON-to-Parquet converter. --help says it all.
var run = new RunOptions();
var root = new RootCommand("Ingests ARC-AGI submissions (a HuggingFace dataset or a local copy) into SQLite or PostgreSQL, with a live display. " +
    "Keys while running: p pause, r resume, c cancel (the selected job, or all), 1-9 select a job, 0 all; Ctrl+C stops (resumable), twice exits at once. " +
    "With stdin redirected the same commands are read as lines.");
run.AddTo(root);
root.SetAction((result, ct) => ConsoleHost.RunAsync(run.Read(result)));

var generateDirectory = new Argument<string>("directory") { Description = "Where to write puzzles/ and dataset/{model}/." };
var generateCount = new Argument<int>("puzzles") { Description = "How many puzzles.", DefaultValueFactory = _ => 200, Arity = ArgumentArity.ZeroOrOne };
var generate = new Command("generate", "Writes a seeded ARC-like dataset: <directory>/puzzles and <directory>/dataset/{model}/.") { generateDirectory, generateCount };
generate.SetAction((result, ct) => GenerateAsync(result.GetValue(generateDirectory)!, RunOptions.Positive(result.GetValue(generateCount), "puzzles")));
root.Subcommands.Add(generate);

var convertFolder = new Argument<string>("model-folder") { Description = "A folder of per-task JSON files." };
var convertDestination = new Argument<string>("file") { Description = "The Parquet file to write (or .jsonl)." };
var convert = new Command("convert", "Packs a folder of per-task JSON files into one Parquet (or JSON Lines) file.") { convertFolder, convertDestination };
convert.SetAction((result, ct) => ConvertAsync(result.GetValue(convertFolder)!, result.GetValue(convertDestination)!));
root.Subcommands.Add(convert);

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"error: {error.Message}");
    }

    Console.Error.WriteLine("usage: Ingestion.Samples.Console [options] | generate <directory> [puzzles] | convert <model folder> <file> (--help for the options)");
    return 2;
}

try
{
    // The host handles Ctrl+C itself: the first stops the jobs gracefully, the second exits.
    return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or UsageException or StoreUnavailableException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return ex is UsageException ? 2 : 1;
}

static async Task<int> GenerateAsync(string directory, int puzzles)
{
    var generated = await SampleData.GenerateAsync(directory, puzzles);
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
