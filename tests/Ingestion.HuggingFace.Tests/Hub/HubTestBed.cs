using Microsoft.Extensions.Logging;

namespace Ingestion.HuggingFace.Tests.Hub;

/// <summary>
/// A fake Hub with the test data loaded, a temp folder, captured logs, and clients pointed at the fake with short
/// retry waits. Disposing it stops the fake, disposes the clients and deletes the folder.
/// </summary>
internal sealed class HubTestBed : IAsyncDisposable
{
    /// <summary>A token the fake knows. It must never show up in a log line or an exception message.</summary>
    public const string Token = "hf_TestTokenThatMustNeverLeak0123456789";

    /// <summary>The ARC-AGI-1 puzzles (training/, evaluation/: 400 files each).</summary>
    public const string Puzzles = "fchollet/arc-agi-1";

    /// <summary>The arcprize sample submissions (example_model/66e6c45b.json).</summary>
    public const string Submissions = "arcprize/sample_eval";

    /// <summary>Generated files: blobs/big.bin (256 KiB), lfs/data.parquet (an LFS file), small.json.</summary>
    public const string Generated = "tests/generated";

    public const string BigFile = "blobs/big.bin";
    public const string LfsFile = "lfs/data.parquet";

    private readonly List<IDisposable> _disposables = [];

    private HubTestBed(FakeHub hub, string folder)
    {
        Hub = hub;
        Folder = folder;
    }

    public FakeHub Hub { get; }

    /// <summary>A temp folder of the test's own (deleted afterwards).</summary>
    public string Folder { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public static string SharedData => Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "data"));

    public static async Task<HubTestBed> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "hub-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var hub = await FakeHub.StartAsync();
        var bed = new HubTestBed(hub, folder);
        hub.AddToken(Token);
        hub.AddDataset(Puzzles, Path.Combine(SharedData, "arc-agi-1"));
        hub.AddDataset(Submissions, Path.Combine(SharedData, "arc-agi-benchmarking-sample", "submissions"));
        var generated = bed.WriteFiles("generated", new Dictionary<string, byte[]>
        {
            [BigFile] = RandomBytes(256 * 1024, seed: 1),
            [LfsFile] = RandomBytes(64 * 1024, seed: 2),
            ["small.json"] = "{\"hello\":\"hub\"}"u8.ToArray(),
        });
        hub.AddDataset(Generated, generated);
        return bed;
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The bytes of a file of the shared data (e.g. <c>arc-agi-1/training/007bbfb7.json</c>).</summary>
    public static byte[] SharedFile(string relative) => File.ReadAllBytes(Path.Combine(SharedData, relative));

    /// <summary>Writes files under a new folder of <see cref="Folder"/> and returns the folder.</summary>
    public string WriteFiles(string name, IReadOnlyDictionary<string, byte[]> files)
    {
        var root = Path.Combine(Folder, name);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
        }

        return root;
    }

    /// <summary>A client of the fake: the valid token unless told otherwise (<c>""</c> = none), 10-50 ms retry waits.</summary>
    public HuggingFaceHubClient Client(Action<HuggingFaceHubOptions>? configure = null, string? token = Token, TimeProvider? timeProvider = null)
    {
        var options = new HuggingFaceHubOptions
        {
            Endpoint = Hub.Endpoint,
            Token = token ?? string.Empty,
            InitialRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            RequestTimeout = TimeSpan.FromSeconds(15),
            ReadTimeout = TimeSpan.FromSeconds(15),
        };
        configure?.Invoke(options);
        var http = new HttpClient(HuggingFaceHubClient.CreatePrimaryHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        var client = new HuggingFaceHubClient(http, options, new Logger<HuggingFaceHubClient>(Logs), timeProvider);
        _disposables.Add(client);
        _disposables.Add(http);
        return client;
    }

    /// <summary>The requests whose decoded path ends with <paramref name="suffix"/>.</summary>
    public List<FakeHubRequest> RequestsEndingWith(string suffix)
        => Hub.Requests.Where(r => r.Path.EndsWith(suffix, StringComparison.Ordinal)).ToList();

    public static async Task<byte[]> ReadAllAsync(HubFile file)
    {
        using var buffer = new MemoryStream();
        await file.Content.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        await Hub.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
