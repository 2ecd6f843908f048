using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.HuggingFace.Tests.Docs;

/// <summary>The code of docs/huggingface-ingestion.md, compiled and run.</summary>
public sealed class HuggingFaceIngestionDocTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task TheGeneratedDataset_IsIngestedByAJobStartedInCode()
    {
        var puzzlesDirectory = _temp.Combine("puzzles");
        var datasetDirectory = _temp.Combine("dataset");
        var services = new ServiceCollection().AddLogging();

        // snippet: docs/huggingface-ingestion.md begin
        // 50 ARC-like puzzles and three model folders of submissions, the same bytes for the same seed.
        var generated = await ArcDatasetGenerator.WriteAsync(
            new ArcDatasetGeneratorOptions { PuzzleCount = 50, Seed = 1 }, puzzlesDirectory, datasetDirectory);

        services.AddIngestion()
            .AddHuggingFaceIngestion(o =>
            {
                o.Tasks.Add("Generated", puzzlesDirectory);   // or o.Tasks.AddArcAgi1(clone of fchollet/ARC-AGI)
                o.LocalDatasetRoots.Add(datasetDirectory);    // jobs may read local copies under it
            });
        // snippet: docs/huggingface-ingestion.md end

        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<IJobManager>();

        // snippet: docs/huggingface-ingestion.md begin
        var job = await manager.StartAsync(HuggingFaceIngestionJob.Kind, new HuggingFaceIngestionParameters
        {
            LocalPath = datasetDirectory,         // or leave it out to read the Hub
            Dataset = "generated/arc-synthetic",
            ModelFolder = "synthetic-medium",
            Source = "Generated",                 // detected from names like arc_agi_v1_public_eval
        });
        var final = await manager.WaitForCompletionAsync(job.Id);

        Console.WriteLine($"{final.Progress.Succeeded} succeeded, {final.Progress.Failed} failed, " +
            $"{final.Progress.Counters["NotFound"]} not found; pass@2 {final.Results["passAt2"]:P1}");
        // snippet: docs/huggingface-ingestion.md end

        final.ShouldMatch(generated.GetModel("synthetic-medium"));
    }

    [Fact]
    public async Task TheHubHost_ValidatesAndStartsJobsOverHttp()
    {
        await using var hub = await FakeHub.StartAsync();
        hub.AddDataset("arcprize/arc_agi_v1_public_eval", Path.Combine(SharedData.BenchmarkingSample, "submissions"));
        var arcAgi1Directory = SharedData.ArcAgi1;
        var cacheDirectory = _temp.Combine("cache");

        await using var host = await LoopbackHost.StartAsync(
            builder =>
            {
                // snippet: docs/huggingface-ingestion.md begin
                builder.Services.AddIngestion()
                    .AddHuggingFaceIngestion(o =>
                    {
                        o.Tasks.AddArcAgi1(arcAgi1Directory);   // its training/ and evaluation/ folders
                        o.Hub.CacheDirectory = cacheDirectory;  // a re-run downloads nothing; the token comes from HF_TOKEN
                    })
                    .ConfigureEndpoints(o => o.AllowAnonymous = true); // a real host names a policy instead
                // snippet: docs/huggingface-ingestion.md end
                builder.Services.Configure<HuggingFaceIngestionOptions>(o => o.Hub.Endpoint = hub.Endpoint);
            },
            app =>
            {
                // snippet: docs/huggingface-ingestion.md begin
                app.MapIngestionEndpoints();     // start-ingestion?kind=huggingface, pause, resume, cancel, history
                app.MapHuggingFaceEndpoints();   // validate-ingestion, hf-folders
                // snippet: docs/huggingface-ingestion.md end
            });

        var body = new { dataset = "arcprize/arc_agi_v1_public_eval", modelFolder = "example_model", limit = 10 };
        var check = await host.Client.PostAsJsonAsync("api/admin/validate-ingestion", body);
        var result = JsonDocument.Parse(await check.Content.ReadAsStringAsync()).RootElement;
        result.GetProperty("isValid").GetBoolean().Should().BeTrue(result.ToString());
        result.GetProperty("source").GetString().Should().Be("ARC1-Eval");
        result.GetProperty("tokenPresent").GetBoolean().Should().Be(Environment.GetEnvironmentVariable("HF_TOKEN") is { Length: > 0 });

        var jobId = await host.StartJobAsync(body);
        await host.WaitForStateAsync(jobId, "completed");
    }
}
