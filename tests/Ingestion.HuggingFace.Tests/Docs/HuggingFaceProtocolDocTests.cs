using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.HuggingFace.Tests.Docs;

/// <summary>
/// Keeps the HuggingFace part of docs/protocol.md true: every example marked <c>&lt;!-- hf-example: name --&gt;</c> has
/// exactly the properties of the real message, taken here from a host on loopback reading the fake Hub.
/// </summary>
public sealed partial class HuggingFaceProtocolDocTests : IDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task EveryHuggingFaceExample_HasTheShapeOfTheRealMessage()
    {
        var real = await CaptureAsync();
        if (Environment.GetEnvironmentVariable("INGESTION_PRINT_PROTOCOL") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, string.Join("\n\n", real.Select(p => $"<!-- hf-example: {p.Key} -->\n```json\n{JsonSerializer.Serialize(p.Value, Indented)}\n```")));
        }

        var text = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "protocol.md"));
        var examples = ExamplePattern().Matches(text).ToDictionary(m => m.Groups["name"].Value, m => JsonDocument.Parse(m.Groups["json"].Value).RootElement.Clone());
        examples.Keys.Should().BeEquivalentTo(real.Keys, "the doc shows an example of every HuggingFace message, and only real ones");
        foreach (var (name, example) in examples)
        {
            Shape(example).Should().BeEquivalentTo(Shape(real[name]), $"the '{name}' example in docs/protocol.md has the real message's properties");
        }
    }

    private async Task<Dictionary<string, JsonElement>> CaptureAsync()
    {
        await using var hub = await FakeHub.StartAsync();
        var generated = await ArcDatasetGenerator.WriteSubmissionsAsync(SharedData.LoadEvaluation(5), new ArcDatasetGeneratorOptions { Seed = 3 }, _temp.Combine("dataset"));
        hub.AddDataset("arcprize/arc_agi_v1_public_eval", generated.DatasetDirectory);
        hub.AddToken("hf_doc_example_token");
        await using var host = await LoopbackHost.StartAsync(
            builder => builder.Services.AddIngestion()
                .AddHuggingFaceIngestion(o =>
                {
                    o.Tasks.AddArcAgi1(SharedData.ArcAgi1);
                    o.Hub.Endpoint = hub.Endpoint;
                    o.Hub.Token = "hf_doc_example_token";
                    o.Hub.MaxRetries = 0;
                })
                .ConfigureEndpoints(o => o.AllowAnonymous = true),
            app =>
            {
                app.MapIngestionEndpoints();
                app.MapHuggingFaceEndpoints();
            });

        var folder = generated.Models[0].Folder;
        var jobId = await host.StartJobAsync(new { dataset = "arcprize/arc_agi_v1_public_eval", modelFolder = folder });
        await host.WaitForStateAsync(jobId, "completed");

        async Task<JsonElement> Read(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        async Task<JsonElement> ReadFailing()
        {
            hub.FailNext(1, 503);
            return await Read(await host.Client.GetAsync("api/admin/hf-folders?dataset=arcprize/arc_agi_v1_public_eval"));
        }

        return new Dictionary<string, JsonElement>
        {
            ["validate-ingestion"] = await Read(await host.Client.PostAsJsonAsync("api/admin/validate-ingestion", new { dataset = "arcprize/arc_agi_v1_public_eval", modelFolder = folder, limit = 100 })),
            ["hf-folders"] = await Read(await host.Client.GetAsync("api/admin/hf-folders?dataset=arcprize/arc_agi_v1_public_eval")),
            ["problem-dataset-not-found"] = await Read(await host.Client.GetAsync("api/admin/hf-folders?dataset=arcprize/nothing-here")),
            ["problem-hub-error"] = await ReadFailing(),
        };
    }

    /// <summary>The property paths of a JSON value, with arrays reduced to their first element's.</summary>
    private static SortedSet<string> Shape(JsonElement element)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(JsonElement e, string path)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        paths.Add(path + "." + p.Name);
                        Walk(p.Value, path + "." + p.Name);
                    }

                    break;
                case JsonValueKind.Array when e.GetArrayLength() > 0:
                    Walk(e[0], path + "[]");
                    break;
            }
        }

        Walk(element, "$");
        return paths;
    }

    [GeneratedRegex(@"<!-- hf-example: (?<name>[a-z-]+) -->\s*```json\s*(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExamplePattern();
}
