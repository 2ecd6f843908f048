using Ingestion.Core;

namespace Ingestion.HuggingFace;

/// <summary>
/// The HuggingFace ingestion as a job (kind <see cref="Kind"/>): reads a model folder of an ARC-AGI submissions
/// dataset (from the Hub or a local copy; per-task JSON, JSONL or Parquet), checks every prediction against the
/// puzzles, and writes one record per puzzle and attempt to the <see cref="IExplanationRepository"/>, with a checkpoint
/// per puzzle so an interrupted job resumes where it stopped. Register it with <c>.AddHuggingFaceIngestion()</c>.
/// </summary>
public sealed class HuggingFaceIngestionJob : IJob
{
    /// <summary>The job kind: <c>huggingface</c>.</summary>
    public const string Kind = "huggingface";

    private readonly HuggingFaceIngestionService _service;

    /// <summary>Initializes a new instance of the <see cref="HuggingFaceIngestionJob"/> class.</summary>
    /// <param name="service">The ingestion service (source, task library, repository).</param>
    public HuggingFaceIngestionJob(HuggingFaceIngestionService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = context.GetParameters<HuggingFaceIngestionParameters>();
        var tasks = _service.ResolveTaskSet(parameters, out _);
        var source = _service.CreateSource(parameters, out _);
        await using (source.ConfigureAwait(false))
        {
            var pipeline = _service.CreatePipeline(parameters, source, tasks, context.Logger);
            await pipeline.RunAsync(PipelineControl.From(context), cancellationToken).ConfigureAwait(false);
        }
    }
}
