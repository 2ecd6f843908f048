using BenchmarkDotNet.Attributes;
using Ingestion.Core;
using Ingestion.HuggingFace;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingestion.Benchmarks;

/// <summary>
/// Puzzles per second of the HuggingFace ingestion over <see cref="Puzzles"/> generated puzzles (one model folder read
/// from a local directory, every record written to the in-memory repository), as per-task JSON files and as one Parquet
/// file; and the cost of running it as a job under the <see cref="JobManager"/> (a real pause token checked per puzzle,
/// progress sampled and published, one log event per puzzle, the checkpoint committed per puzzle) against the same
/// pipeline run bare (a never-paused token, a progress reporter nobody reads, no logger, no checkpoint).
/// Every run overwrites the same records, so each does the same work.
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
        services.AddIngestion().AddHuggingFaceIngestion(o =>
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
        var pipeline = new IngestionPipeline(_parameters, source, _tasks, _repository, TimeProvider.System, NullLogger.Instance, TimeSpan.FromSeconds(1));
        var totals = await pipeline.RunAsync(new PipelineControl { Progress = new ProgressReporter() }, CancellationToken.None);
        return totals.Succeeded;
    }

    [Benchmark]
    public async Task<long> UnderJobManager()
    {
        var job = await _manager.StartAsync(HuggingFaceIngestionJob.Kind, _parameters);
        var final = await _manager.WaitForCompletionAsync(job.Id);
        return final.State == JobState.Completed ? final.Progress.Succeeded : throw new InvalidOperationException(final.Error?.Message);
    }
}
