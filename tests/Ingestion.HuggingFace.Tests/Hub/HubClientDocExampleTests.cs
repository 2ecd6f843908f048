namespace Ingestion.HuggingFace.Tests.Hub;

/// <summary>The code of docs/huggingface-hub.md, compiled and run against the fake Hub.</summary>
public sealed class HubClientDocExampleTests : IAsyncLifetime
{
    private HubTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await HubTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task TheExample_ReadsEverySubmission_PinnedToTheCommit_ThroughTheCache()
    {
        var endpoint = _bed.Hub.Endpoint;
        var token = HubTestBed.Token;
        var cacheFolder = Path.Combine(_bed.Folder, "cache");
        var repository = HubTestBed.Submissions;

        // snippet: docs/huggingface-hub.md begin
        using var hub = new HuggingFaceHubClient(new HuggingFaceHubOptions
        {
            Endpoint = endpoint,          // default https://huggingface.co
            Token = token,                // null: HF_TOKEN, then HUGGING_FACE_HUB_TOKEN
            CacheDirectory = cacheFolder, // null: no cache, files stream from the network
        });

        var info = await hub.GetDatasetInfoAsync(repository);   // pre-flight: reachable, token accepted, repository visible
        await foreach (var folder in hub.ListTreeAsync(repository, info.Sha))
        {
            if (folder.Type != HubEntryType.Directory)
            {
                continue;
            }

            await foreach (var entry in hub.ListTreeAsync(repository, info.Sha, folder.Path))
            {
                try
                {
                    await using var file = await hub.OpenFileAsync(repository, info.Sha, entry.Path, entry.ETag);
                    var submission = await SubmissionJson.ReadTaskFileAsync(file.Content, Path.GetFileNameWithoutExtension(entry.Name));
                    Console.WriteLine($"{folder.Name}/{submission.TaskId}: {submission.Attempts.Count} attempts");
                }
                catch (HubNotFoundException e) when (e.Kind == HubNotFoundKind.EntryNotFound)
                {
                    Console.WriteLine($"{entry.Path} is gone");   // count it and go on
                }
            }
        }
        // snippet: docs/huggingface-hub.md end

        var commit = _bed.Hub.CommitOf(repository);
        var requests = _bed.Hub.Requests;
        requests.Should().Contain(r => r.Path == $"/datasets/{repository}/resolve/{commit}/example_model/66e6c45b.json");
        requests.Should().OnlyContain(r => r.StatusCode == 200 || r.StatusCode == 307);
        Directory.GetFiles(Path.Combine(cacheFolder, "datasets--arcprize--sample_eval", "blobs")).Should().ContainSingle();
    }
}
