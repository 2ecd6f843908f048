using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Ingestion.HuggingFace;
using Ingestion.TestUtilities;
using Npgsql;
using Perfolizer.Mathematics.OutlierDetection;

namespace Ingestion.Benchmarks;

/// <summary>
/// Control-command latency on an Orleans cluster: from the pause request through a host to the <c>paused</c> state
/// event (the silo that runs the job has acknowledged: its body reached its next check), seen by a WebSocket client of
/// the running silo. "single-host": one silo, the request goes to it; "across-silos": two silos, the request goes to the
/// one that does not run the job, whose grain call Orleans routes to the other.
/// </summary>
/// <remarks>
/// The silos are tests/Ingestion.Orleans.TestHost processes on a real redis-server and PostgreSQL that the benchmark
/// starts (as the tests do). One invocation per iteration: <c>[IterationSetup]</c> resumes the job and waits until it
/// runs; the benchmark pauses it. The job is the HuggingFace ingestion of a large generated dataset with 5 ms per
/// puzzle, so a pause waits up to about one puzzle for the body's check in both topologies.
/// </remarks>
[Config(typeof(ClusterConfig))]
public class ClusterControlBenchmarks
{
    private BenchCluster? _cluster;

    [Params("single-host", "across-silos")]
    public string Topology { get; set; } = "single-host";

    [GlobalSetup]
    public void Start() => _cluster = BenchCluster.StartAsync(silos: Topology == "single-host" ? 1 : 2, watchersPerSilo: 1).GetAwaiter().GetResult();

    [IterationSetup]
    public void Resume() => _cluster!.ResumeAndWaitAsync().GetAwaiter().GetResult();

    [Benchmark]
    public void Pause_AcknowledgedByTheRunningSilo()
    {
        var target = Topology == "single-host" ? _cluster!.Runner : _cluster!.Other!;
        _cluster.CommandAndWaitAsync(target, "pause", "paused", _cluster.RunnerWatchers).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Stop() => _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>
/// Event fan-out through front ends: the time from a resume request to the <c>running</c> state event at every one of
/// eight WebSocket clients, all of them clients of the running silo ("one front end"), or four of them clients of a
/// second silo that gets the job's events through Redis ("two front ends").
/// </summary>
[Config(typeof(ClusterConfig))]
public class ClusterFanOutBenchmarks
{
    private BenchCluster? _cluster;

    [Params(1, 2)]
    public int FrontEnds { get; set; } = 1;

    // The job is left paused by the cluster's start: it runs again before the first iteration pauses it.
    [GlobalSetup]
    public void Start()
    {
        _cluster = BenchCluster.StartAsync(silos: FrontEnds, watchersPerSilo: 8 / FrontEnds).GetAwaiter().GetResult();
        _cluster.CommandAndWaitAsync(_cluster.Runner, "resume", "running", _cluster.AllWatchers).GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void Pause() => _cluster!.CommandAndWaitAsync(_cluster.Runner, "pause", "paused", _cluster.AllWatchers).GetAwaiter().GetResult();

    [Benchmark]
    public void Resume_SeenByEveryClient() =>
        _cluster!.CommandAndWaitAsync(_cluster.Runner, "resume", "running", _cluster.AllWatchers).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Stop() => _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>One process per topology, 200 measured invocations, outliers kept: the tail is the point (P50, P95, P99).</summary>
public sealed class ClusterConfig : ManualConfig
{
    public ClusterConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(20).WithIterationCount(200).WithInvocationCount(1).WithUnrollFactor(1)
            .WithOutlierMode(OutlierMode.DontRemove));
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.P50, BenchmarkDotNet.Columns.StatisticColumn.P95, new PercentileColumn(99));
    }
}

/// <summary>The silos, the servers they need, a long job running on the first silo, and WebSocket clients of it on each silo.</summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private const int Puzzles = 3000;
    private readonly DirectoryInfo _root;
    private readonly PostgreSqlServer _postgreSql;
    private readonly RedisServer _redis;
    private readonly SiloProcess[] _silos;
    private readonly List<Watcher> _watchers = [];

    private BenchCluster(DirectoryInfo root, PostgreSqlServer postgreSql, RedisServer redis, SiloProcess[] silos)
    {
        _root = root;
        _postgreSql = postgreSql;
        _redis = redis;
        _silos = silos;
    }

    public string JobId { get; private set; } = "";

    public SiloProcess Runner { get; private set; } = null!;

    public SiloProcess? Other { get; private set; }

    public IReadOnlyList<Watcher> RunnerWatchers => _watchers.Where(w => w.Silo == Runner).ToArray();

    public IReadOnlyList<Watcher> AllWatchers => _watchers;

    public static async Task<BenchCluster> StartAsync(int silos, int watchersPerSilo)
    {
        var root = Directory.CreateTempSubdirectory("ingestion-cluster-bench-");
        var postgreSql = await PostgreSqlServer.StartAsync();
        var redis = await RedisServer.StartAsync(Path.Combine(root.FullName, "redis"));
        await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions { PuzzleCount = Puzzles }, Path.Combine(root.FullName, "puzzles"), Path.Combine(root.FullName, "dataset"));
        var database = "bench_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new NpgsqlConnection(postgreSql.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE " + database, connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(postgreSql.ConnectionString) { Database = database }.ConnectionString;
        var cluster = "bench" + Guid.NewGuid().ToString("N")[..8];
        var processes = await Task.WhenAll(Enumerable.Range(0, silos).Select(i =>
            SiloProcess.StartAsync(((char)('A' + i)).ToString(), cluster, redis.Endpoint, connectionString, Path.Combine(root.FullName, "dataset"), Path.Combine(root.FullName, "puzzles"))));
        var bench = new BenchCluster(root, postgreSql, redis, processes);
        await bench.StartJobAsync(Path.Combine(root.FullName, "dataset"), watchersPerSilo);
        return bench;
    }

    public async Task ResumeAndWaitAsync() => await CommandAndWaitAsync(Runner, "resume", "running", RunnerWatchers);

    /// <summary>Sends the command through <paramref name="through"/> and waits until every watcher has seen the state.</summary>
    public async Task CommandAndWaitAsync(SiloProcess through, string command, string state, IReadOnlyList<Watcher> watchers)
    {
        foreach (var watcher in watchers)
        {
            watcher.Expect(state);
        }

        using var response = await through.Client.PostAsync(new Uri($"api/admin/{command}-ingestion/{JobId}", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        foreach (var watcher in watchers)
        {
            await watcher.Seen.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _redis.DisposeAsync();
        await _postgreSql.DisposeAsync();
        _root.Delete(recursive: true);
    }

    private async Task StartJobAsync(string dataset, int watchersPerSilo)
    {
        JobId = await _silos[0].StartJobAsync(new
        {
            localPath = dataset,
            dataset = "generated/arc-synthetic",
            modelFolder = "synthetic-medium",
            source = "Generated",
            concurrency = 1,
            delayMs = 5,
        }, "bench");
        await Wait.UntilAsync(() => _silos.Any(s => s.RunCountOf(JobId) > 0), "a silo runs the job");
        Runner = _silos.Single(s => s.RunCountOf(JobId) > 0);
        Other = _silos.FirstOrDefault(s => s != Runner);
        foreach (var silo in _silos)
        {
            for (var i = 0; i < watchersPerSilo; i++)
            {
                _watchers.Add(await Watcher.ConnectAsync(silo, JobId));
            }
        }

        // Paused, so that each iteration starts from the same place.
        await CommandAndWaitAsync(Runner, "pause", "paused", _watchers);
    }

    /// <summary>A WebSocket client of one silo that watches the job and signals when it sees the state it expects.</summary>
    internal sealed class Watcher : IDisposable
    {
        private readonly ClientWebSocket _socket;
        private readonly CancellationTokenSource _stop = new();
        private volatile string? _expected;
        private TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Watcher(SiloProcess silo, ClientWebSocket socket)
        {
            Silo = silo;
            _socket = socket;
            _ = ReceiveAsync();
        }

        public SiloProcess Silo { get; }

        public Task Seen => _seen.Task;

        public static async Task<Watcher> ConnectAsync(SiloProcess silo, string jobId)
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://{silo.BaseAddress.Authority}/api/admin/ingestion-progress?jobId={jobId}"), CancellationToken.None);
            return new Watcher(silo, socket);
        }

        public void Expect(string state)
        {
            _seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _expected = state;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
            _stop.Dispose();
        }

        private async Task ReceiveAsync()
        {
            var buffer = new byte[256 * 1024];
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    // State messages are small and come in one frame; larger messages (snapshots) are not what we wait for.
                    if (!result.EndOfMessage || buffer.AsSpan(0, result.Count).IndexOf("\"type\":\"state\""u8) < 0)
                    {
                        continue;
                    }

                    using var message = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                    if (message.RootElement.GetProperty("state").GetString() == _expected)
                    {
                        _seen.TrySetResult();
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
        }
    }
}
