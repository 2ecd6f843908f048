using System.CommandLine;

namespace Ingestion.Samples.Console;

/// <summary>The options of a run, as System.CommandLine options, and what they were given as.</summary>
internal sealed class RunOptions
{
    private readonly Option<string?> _hub = new("--hub") { Description = "The HuggingFace Hub to read from (e.g. https://huggingface.co); the token comes from HF_TOKEN." };
    private readonly Option<string?> _path = new("--path") { Description = "A local copy of the dataset (a folder of model folders) to read instead of a Hub. Default: the generated sample dataset." };
    private readonly Option<string?> _tasks = new("--tasks") { Description = "The folder of ARC puzzle files to validate against. Default: the generated sample puzzles." };
    private readonly Option<string> _dataset = new("--dataset") { Description = "The dataset repository, e.g. arcprize/arc_agi_v1_public_eval.", DefaultValueFactory = _ => "generated/arc-synthetic" };
    private readonly Option<string[]> _models = new("--model") { Description = "A model folder to ingest; give several for several concurrent jobs.", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string?> _source = new("--source") { Description = "The puzzle set's name. Default: Generated." };
    private readonly Option<int?> _limit = new("--limit") { Description = "Ingest at most this many puzzles." };
    private readonly Option<int> _delay = new("--delay") { Description = "Milliseconds to wait between requests.", DefaultValueFactory = _ => 10 };
    private readonly Option<int> _concurrency = new("--concurrency") { Description = "Downloads at once, per job.", DefaultValueFactory = _ => 2 };
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Validate and count, write nothing." };
    private readonly Option<bool> _force = new("--force") { Description = "Overwrite records that exist (default: skip them)." };
    private readonly Option<bool> _stopOnError = new("--stop-on-error") { Description = "Fail the job at the first puzzle that fails." };
    private readonly Option<bool> _verbose = new("--verbose") { Description = "Print debug lines of the jobs too." };
    private readonly Option<string?> _database = new("--database") { Description = "A SQLite file, or a PostgreSQL connection string (Host=…;Database=…). Default: sample-data/ingestion.db beside the program." };
    private readonly Option<string?> _resume = new("--resume") { Description = "Resume an interrupted job by its id." };
    private readonly Option<bool> _history = new("--history") { Description = "List the runs in the database, newest first, and exit." };
    private readonly Option<bool> _plain = new("--plain") { Description = "Plain lines even in a terminal." };

    public void AddTo(Command command)
    {
        foreach (var option in (Option[])[_hub, _path, _tasks, _dataset, _models, _source, _limit, _delay, _concurrency, _dryRun, _force, _stopOnError, _verbose, _database, _resume, _history, _plain])
        {
            command.Options.Add(option);
        }
    }

    public RunSettings Read(ParseResult result) => new()
    {
        HubUrl = result.GetValue(_hub),
        LocalPath = result.GetValue(_path),
        Tasks = result.GetValue(_tasks),
        Dataset = result.GetValue(_dataset)!,
        Models = result.GetValue(_models) is { Length: > 0 } models ? models : ["synthetic-medium"],
        Source = result.GetValue(_source),
        Limit = result.GetValue(_limit) is { } limit ? Positive(limit, "--limit") : null,
        DelayMs = result.GetValue(_delay) >= 0 ? result.GetValue(_delay) : throw new UsageException("--delay must not be negative."),
        Concurrency = Positive(result.GetValue(_concurrency), "--concurrency"),
        DryRun = result.GetValue(_dryRun),
        Force = result.GetValue(_force),
        StopOnError = result.GetValue(_stopOnError),
        Verbose = result.GetValue(_verbose),
        Database = result.GetValue(_database),
        Resume = result.GetValue(_resume),
        History = result.GetValue(_history),
        Plain = result.GetValue(_plain),
    };

    /// <summary>The value, if it is positive; else a usage error.</summary>
    public static int Positive(int value, string name) => value > 0 ? value : throw new UsageException($"{name} must be a positive number.");
}

/// <summary>What a run was asked to do.</summary>
internal sealed class RunSettings
{
    public string? HubUrl { get; init; }

    public string? LocalPath { get; init; }

    public string? Tasks { get; init; }

    public required string Dataset { get; init; }

    public required IReadOnlyList<string> Models { get; init; }

    public string? Source { get; init; }

    public int? Limit { get; init; }

    public int DelayMs { get; init; }

    public int Concurrency { get; init; }

    public bool DryRun { get; init; }

    public bool Force { get; init; }

    public bool StopOnError { get; init; }

    public bool Verbose { get; init; }

    public string? Database { get; init; }

    public string? Resume { get; init; }

    public bool History { get; init; }

    public bool Plain { get; init; }

    /// <summary>A connection string has key=value pairs; anything else is a SQLite file.</summary>
    public bool IsPostgreSql => Database is { } database && database.Contains('=', StringComparison.Ordinal);
}
