using BenchmarkDotNet.Attributes;
using Ingestion.Core;
using Ingestion.HuggingFace;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ingestion.Benchmarks;

/// <summary>
/// Puzzles per second of the HuggingFace ingestion over <see cref="Puzzles"/> generated puzzles (one model folder read
/// from a local directory, every record written to the in-memory repository), as per-task JSON files and as one Parquet
/// file; and the cost of running it as a job under the <see cref="JobManager"/> (a real pause token checked per puzzle,
/// progress sampled and published, each puzzle's log line made a log event for the journal and the sinks, results and
/// checkpoints also kept by the manager) against the same loop run bare: the same pipeline, with the checkpoint
/// committed with every puzzle's records and every log line formatted, but a never-paused token, a progress reporter
/// nobody reads and no manager. Every run overwrites the same records, so each does the same work.
/// </summary>
[MemoryDiagnoser]
public class IngestionThroughputBenchmarks
{
    /// <summary>Puzzles per run.</summary>
    public const int Puzzles = 1000;

    private const string Folder = "synthetic-large-thinking-high";
    private string _root = null!;
    private ArcTaskSet _tasks = null!;
    private InMemoryExplanationRepository _repository = null!;
    private ServiceProvider _services = null!;
    private IJobManager _manager = null!;
    private HuggingFaceIngestionParameters _parameters = null!;
    private readonly CompletionSink _completions = new();

    /// <summary>Gets or sets the submission format: <c>json</c> (a file per puzzle) or <c>parquet</c> (one file).</summary>
    [Params("json", "parquet")]
    public string Format { get; set; } = "json";

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "ingestion-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var options = new ArcDatasetGeneratorOptions { PuzzleCount = Puzzles, Seed = 42 };
        options.Models = [.. options.Models.Where(static m => m.Folder == Folder)];
        var generated = ArcDatasetGenerator.WriteAsync(options, Path.Combine(_root, "puzzles"), Path.Combine(_root, "json")).GetAwaiter().GetResult();
        var datasetRoot = generated.DatasetDirectory;
        if (Format == "parquet")
        {
            datasetRoot = Path.Combine(_root, "parquet");
            Directory.CreateDirectory(Path.Combine(datasetRoot, Folder));
            SubmissionConverter.ConvertFolderToParquetAsync(Path.Combine(generated.DatasetDirectory, Folder), Path.Combine(datasetRoot, Folder, "submissions.parquet"))
                .GetAwaiter().GetResult();
        }

        _tasks = new ArcTaskSet("Generated", generated.PuzzlesDirectory!);
        _repository = new InMemoryExplanationRepository();
        _parameters = new HuggingFaceIngestionParameters
        {
            LocalPath = datasetRoot,
            Dataset = "generated/arc-synthetic",
            ModelFolder = Folder,
            Source = "Generated",
            ForceOverwrite = true,
        };

        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IExplanationRepository>(_repository);
        services.AddIngestion().AddSink(_completions).AddHuggingFaceIngestion(o =>
        {
            o.Tasks.Add(_tasks);
            o.LocalDatasetRoots.Add(_root);
        });
        _services = services.BuildServiceProvider();
        _manager = _services.GetRequiredService<IJobManager>();

        // Warm both paths once, so the first measured run does not pay for loading the puzzles.
        Bare().GetAwaiter().GetResult();
        UnderJobManager().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task<long> Bare()
    {
        await using var source = new LocalSubmissionSource(_parameters.LocalPath!);
        var pipeline = new IngestionPipeline(_parameters, source, _tasks, _repository, TimeProvider.System, FormattingLogger.Instance, TimeSpan.FromSeconds(1));
        // A new id each run: a checkpoint left by the last run would make this one resume at the end.
        var control = new PipelineControl { Progress = new ProgressReporter(), JobId = Guid.NewGuid().ToString("N"), SetResult = static (_, _) => { } };
        var totals = await pipeline.RunAsync(control, CancellationToken.None);
        return totals.Succeeded;
    }

    [Benchmark]
    public async Task<long> UnderJobManager()
    {
        // Waits through a sink, as a host's sinks see the job, rather than a watcher that would take every event on its
        // own thread besides the sinks'.
        var completed = _completions.Next();
        await _manager.StartAsync(HuggingFaceIngestionJob.Kind, _parameters);
        var final = await completed;
        return final.State == JobState.Completed ? final.Progress.Succeeded : throw new InvalidOperationException(final.Error?.Message);
    }

    /// <summary>A logger that formats every line, as any real one would, and keeps none.</summary>
    private sealed class FormattingLogger : ILogger
    {
        public static readonly FormattingLogger Instance = new();

        public static int Length { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Length = formatter(state, exception).Length;
    }

    /// <summary>Completes when the next job completes.</summary>
    private sealed class CompletionSink : IProgressSink
    {
        private TaskCompletionSource<JobSnapshot> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<JobSnapshot> Next()
        {
            _next = new TaskCompletionSource<JobSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _next.Task;
        }

        public ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
        {
            if (jobEvent is JobCompletedEvent completed)
            {
                _next.TrySetResult(completed.Summary);
            }

            return ValueTask.CompletedTask;
        }
    }
}
