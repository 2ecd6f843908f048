using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.HuggingFace.Tests.AspNetCore;

public sealed class HuggingFaceEndpointTests : IAsyncLifetime
{
    private const string Dataset = "arcprize/arc_agi_v1_public_eval";
    private readonly TempDirectory _temp = new();
    private readonly IReadOnlyList<ArcTask> _tasks = SharedData.LoadEvaluation(6);
    private LoopbackHost _host = null!;

    public async Task InitializeAsync()
    {
        foreach (var task in _tasks.Take(4))
        {
            SubmissionFiles.WriteRightAndWrong(_temp.Combine("dataset", "model-a"), task);
            SubmissionFiles.WriteRightAndWrong(_temp.Combine("dataset", "model-b"), task);
        }

        _host = await LoopbackHost.StartAsync(
            builder => builder.Services.AddIngestion()
                .AddHuggingFaceIngestion(o =>
                {
                    o.Tasks.AddArcAgi1(SharedData.ArcAgi1);
                    o.LocalDatasetRoots.Add(_temp.Path);
                })
                .ConfigureEndpoints(o => o.AllowAnonymous = true),
            app =>
            {
                app.MapIngestionEndpoints();
                app.MapHuggingFaceEndpoints();
            });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }

    private object Body(string folder = "model-a", int limit = 6) => new { localPath = _temp.Combine("dataset"), dataset = Dataset, modelFolder = folder, limit };

    [Fact]
    public async Task ValidateIngestion_ReportsTheSourceThePuzzlesAndASampleFile()
    {
        var response = await _host.Client.PostAsJsonAsync("api/admin/validate-ingestion", Body());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        result.GetProperty("isValid").GetBoolean().Should().BeTrue(result.ToString());
        result.GetProperty("source").GetString().Should().Be("ARC1-Eval");
        result.GetProperty("sourceDetected").GetBoolean().Should().BeTrue();
        result.GetProperty("puzzleCount").GetInt32().Should().Be(6);
        result.GetProperty("fileCount").GetInt32().Should().Be(4);
        result.GetProperty("format").GetString().Should().Be("taskFiles");
        result.GetProperty("sampleFile").GetString().Should().Be(_tasks[0].Id + ".json");
        result.GetProperty("sampleAttempts").GetInt32().Should().Be(_tasks[0].Test.Count * 2);
        result.GetProperty("databaseReachable").GetBoolean().Should().BeTrue();
        result.GetProperty("errors").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task ValidateIngestion_ListsEveryProblem_WithoutStartingAnything()
    {
        var response = await _host.Client.PostAsJsonAsync("api/admin/validate-ingestion", new { localPath = _temp.Combine("dataset"), dataset = "someone/unknown", modelFolder = "model-z", concurrency = 99 });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        result.GetProperty("isValid").GetBoolean().Should().BeFalse();
        var errors = result.GetProperty("errors").EnumerateArray().Select(static e => e.GetString()!).ToArray();
        errors.Should().Contain("The concurrency must be between 1 and 32.");
        errors.Should().Contain(e => e.StartsWith("The task set cannot be told from the dataset name 'someone/unknown'", StringComparison.Ordinal));
        (await _host.Client.GetFromJsonAsync<JsonElement>("api/admin/ingestion-jobs")).GetArrayLength().Should().Be(0);

        var missingFolder = JsonDocument.Parse(await (await _host.Client.PostAsJsonAsync("api/admin/validate-ingestion", Body("model-z"))).Content.ReadAsStringAsync()).RootElement;
        missingFolder.GetProperty("errors").EnumerateArray().Select(static e => e.GetString()).Should().ContainSingle()
            .Which.Should().Be("The dataset has no model folder 'model-z'; it has: model-a, model-b.");
    }

    [Fact]
    public async Task ValidateIngestion_AnswersABodyThatDoesNotBind_WithAProblem()
    {
        var response = await _host.Client.PostAsync("api/admin/validate-ingestion", new StringContent("{\"limit\": \"many\"}", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("type").GetString().Should().Be(Ingestion.AspNetCore.IngestionProblemTypes.InvalidParameters);
        problem.GetProperty("errors").TryGetProperty("limit", out _).Should().BeTrue();
    }

    [Fact]
    public async Task HfFolders_ListsTheFolders_WithTheAttemptsAlreadyIngested()
    {
        var start = await _host.Client.PostAsJsonAsync("api/admin/start-ingestion?kind=huggingface", Body("model-b"));
        start.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var jobId = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetString()!;
        await _host.WaitForStateAsync(jobId, "completed");

        var folders = await _host.Client.GetFromJsonAsync<JsonElement>($"api/admin/hf-folders?dataset={Uri.EscapeDataString(Dataset)}&localPath={Uri.EscapeDataString(_temp.Combine("dataset"))}");

        folders.GetProperty("dataset").GetString().Should().Be(Dataset);
        var list = folders.GetProperty("folders").EnumerateArray().ToArray();
        list.Select(static f => f.GetProperty("name").GetString()).Should().Equal("model-a", "model-b");
        list[0].GetProperty("ingestedAttempts").GetInt64().Should().Be(0);
        list[1].GetProperty("ingestedAttempts").GetInt64().Should().Be(8);
        list[1].GetProperty("ingestedByAttempt").GetProperty("2").GetInt64().Should().Be(4);
    }

    [Fact]
    public async Task HfFolders_WithoutADataset_OrFromADisallowedPath_IsAProblem()
    {
        var none = await _host.Client.GetAsync("api/admin/hf-folders");
        none.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var outside = await _host.Client.GetAsync($"api/admin/hf-folders?dataset=x/y&localPath=%2Fetc");
        outside.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await outside.Content.ReadAsStringAsync()).Should().Contain("is not under a directory this host allows");
    }
}
