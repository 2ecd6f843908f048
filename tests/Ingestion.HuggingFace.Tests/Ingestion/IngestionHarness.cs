using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ingestion.HuggingFace.Tests;

/// <summary>A job manager with the HuggingFace job, a shared in-memory repository and captured logs.</summary>
internal sealed class IngestionHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public IngestionHarness(Action<HuggingFaceIngestionOptions> configure, IExplanationRepository? repository = null, IJobStore? store = null)
    {
        Repository = repository switch
        {
            null => new InMemoryExplanationRepository(),
            InMemoryExplanationRepository memory => memory,
            GatedRepository gated => gated.Inner,
            _ => throw new ArgumentException("An in-memory or gated repository.", nameof(repository)),
        };
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton(repository ?? Repository);
        var ingestion = services.AddIngestion(o => o.ProgressInterval = TimeSpan.FromMilliseconds(20));
        if (store is not null)
        {
            ingestion.UseStore(_ => store);
        }

        ingestion.AddSink(Events).AddHuggingFaceIngestion(configure);
        _provider = services.BuildServiceProvider();
        Manager = _provider.GetRequiredService<IJobManager>();
    }

    public InMemoryExplanationRepository Repository { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public CollectingSink Events { get; } = new();

    public IJobManager Manager { get; }

    public HuggingFaceIngestionService Service => _provider.GetRequiredService<HuggingFaceIngestionService>();

    public async Task<JobSnapshot> StartAsync(HuggingFaceIngestionParameters parameters)
        => await Manager.StartAsync(HuggingFaceIngestionJob.Kind, parameters);

    public async Task<JobSnapshot> RunAsync(HuggingFaceIngestionParameters parameters)
    {
        var job = await StartAsync(parameters);
        var final = await Manager.WaitForCompletionAsync(job.Id).OrTimeout(TimeSpan.FromSeconds(60));

        // The sink reads on a queue of its own: wait until it has the run's end too, so JobLogLines has every line
        // (it once lagged behind the watch on a loaded machine).
        await Events.WaitForCompletionAsync(job.Id);
        return final;
    }

    public IEnumerable<string> JobLogLines(string jobId)
        => Events.Events.OfType<JobLogEvent>().Where(e => e.JobId == jobId).Select(static e => e.Message);

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();
}

internal static class SnapshotExtensions
{
    public static long Counter(this JobSnapshot snapshot, string name) => snapshot.Progress.Counters.GetValueOrDefault(name);
}
