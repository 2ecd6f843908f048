using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Ingestion.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Perfolizer.Mathematics.OutlierDetection;

namespace Ingestion.Benchmarks;

/// <summary>
/// Fan-out of one job's events to N clients on loopback, over the progress WebSocket and over the SignalR hub: a real Kestrel host with the progress WebSocket,
/// N real <see cref="ClientWebSocket"/>s in the same process, one running job whose body logs a line carrying
/// <see cref="Stopwatch.GetTimestamp"/> each time the benchmark asks it to. A client takes the time on receipt, so
/// every delivered message gives one report-to-receipt latency. The body reports nothing else, so a client's messages
/// are those lines plus the once-a-second progress heartbeat.
/// </summary>
/// <remarks>
/// <para>
/// <c>OneEvent</c>: one log line, until all N clients have it (the time is the slowest client's latency).
/// <c>Flood100</c>: 100 lines back to back, until all N clients have all of them (N × 100 / time = delivered messages per
/// second). <c>Paced10PerSecond</c>: 20 lines at 10 per second, the issue's target load (1000 clients × 10 updates/s);
/// the per-message p50/p99 of each case are logged from the benchmark process as <c># fan-out</c> lines.
/// </para>
/// <para>
/// The baseline, in the same run, is <c>Raw*</c>: the same message bytes sent by a minimal hand-written broadcaster
/// (one pre-serialized buffer, <c>SendAsync</c> to every socket at once, no queues, no JSON, no job) to the same
/// clients: the floor that Kestrel, the sockets and the clients cost on this machine.
/// </para>
/// </remarks>
[Config(typeof(Config))]
public class WebSocketFanOutBenchmarks
{
    public const int Iterations = 15;
    public const int Warmups = 3;
    private const string Marker = "#t=";
    private static readonly byte[] MarkerBytes = Encoding.ASCII.GetBytes(Marker);

    private readonly List<double[]> _perOperation = [];
    private readonly object _lock = new();
    private WebApplication? _app;
    private ClientWebSocket[] _clients = [];
    private Task[] _readers = [];
    private CancellationTokenSource _stop = new();
    private SemaphoreSlim _emit = new(0);
    private RawBroadcaster _raw = new();
    private double[] _latencies = [];
    private long _received;
    private long _expected;
    private TaskCompletionSource _allReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _jobId = "";
    private IJobManager? _manager;

    [Params(1, 100, 1000)]
    public int Clients { get; set; }

    [GlobalSetup(Targets = [nameof(OneEvent), nameof(Flood100), nameof(Paced10PerSecond)])]
    public void SetupOurs() => Setup(Transport.WebSocket);

    [GlobalSetup(Targets = [nameof(RawOneEvent), nameof(RawFlood100), nameof(RawPaced10PerSecond)])]
    public void SetupRaw() => Setup(Transport.Raw);

    [GlobalSetup(Targets = [nameof(SignalROneEvent), nameof(SignalRFlood100), nameof(SignalRPaced10PerSecond)])]
    public void SetupSignalR() => Setup(Transport.SignalR);

    [Benchmark(Baseline = true)]
    public Task RawOneEvent() => RunAsync(1, TimeSpan.Zero, raw: true);

    [Benchmark]
    public Task OneEvent() => RunAsync(1, TimeSpan.Zero, raw: false);

    [Benchmark]
    public Task RawFlood100() => RunAsync(100, TimeSpan.Zero, raw: true);

    [Benchmark]
    public Task Flood100() => RunAsync(100, TimeSpan.Zero, raw: false);

    [Benchmark]
    public Task RawPaced10PerSecond() => RunAsync(20, TimeSpan.FromMilliseconds(100), raw: true);

    [Benchmark]
    public Task Paced10PerSecond() => RunAsync(20, TimeSpan.FromMilliseconds(100), raw: false);

    [Benchmark]
    public Task SignalROneEvent() => RunAsync(1, TimeSpan.Zero, raw: false);

    [Benchmark]
    public Task SignalRFlood100() => RunAsync(100, TimeSpan.Zero, raw: false);

    [Benchmark]
    public Task SignalRPaced10PerSecond() => RunAsync(20, TimeSpan.FromMilliseconds(100), raw: false);

    [GlobalCleanup]
    public void Cleanup()
    {
        // The measured operations are the last Iterations ones (before them: jitting and warm-up).
        var measured = _perOperation.Skip(Math.Max(0, _perOperation.Count - Iterations)).SelectMany(static x => x).ToArray();
        Array.Sort(measured);
        double P(double p) => measured.Length == 0 ? double.NaN : measured[Math.Min(measured.Length - 1, Math.Max(0, (int)Math.Ceiling(p / 100 * measured.Length) - 1))];
        Console.WriteLine(FormattableString.Invariant(
            $"# fan-out {_caseName} clients={Clients}: messages={measured.Length} p50={P(50):F2}ms p99={P(99):F2}ms max={(measured.Length == 0 ? double.NaN : measured[^1]):F2}ms"));

        _stop.Cancel();
        foreach (var client in _clients)
        {
            client.Abort();
            client.Dispose();
        }

        foreach (var hubConnection in _hubConnections)
        {
            hubConnection.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        }

        _hubConnections = [];

        Task.WhenAll(_readers).ContinueWith(static _ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(10));
        if (_manager is not null && _jobId.Length > 0)
        {
            _manager.CancelAsync(_jobId).AsTask().Wait(TimeSpan.FromSeconds(10));
        }

        _app?.StopAsync().Wait(TimeSpan.FromSeconds(30));
        (_app as IDisposable)?.Dispose();
        _perOperation.Clear();
    }

    private string _caseName = "";

    private HubConnection[] _hubConnections = [];

    private enum Transport
    {
        Raw,
        WebSocket,
        SignalR,
    }

    private void Setup(Transport transport)
    {
        var raw = transport == Transport.Raw;
        _stop = new CancellationTokenSource();
        _emit = new SemaphoreSlim(0);
        _raw = new RawBroadcaster();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var ingestion = builder.Services.AddIngestion().ConfigureEndpoints(static o => o.AllowAnonymous = true);
        _ = transport == Transport.SignalR ? ingestion.AddSignalRSink() : ingestion.AddWebSocketSink();
        _app = builder.Build();
        if (transport == Transport.SignalR)
        {
            _app.MapIngestionHub();
        }
        else
        {
            _app.MapIngestionWebSocket();
        }

        _app.UseWebSockets();
        _app.Map("/raw", _raw.AcceptAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().Replace("http://", "ws://", StringComparison.Ordinal);

        _manager = _app.Services.GetRequiredService<IJobManager>();
        _jobId = _manager.StartAsync(BodyAsync).AsTask().GetAwaiter().GetResult().Id;
        WaitUntil(() => _manager.GetAsync(_jobId).AsTask().GetAwaiter().GetResult()!.State == JobState.Running, "the job runs");

        _caseName = transport switch { Transport.Raw => "raw broadcaster", Transport.SignalR => "Ingestion.Sinks.SignalR", _ => "Ingestion.Sinks.WebSockets" };
        if (transport == Transport.SignalR)
        {
            var hubUri = new Uri(address.Replace("ws://", "http://", StringComparison.Ordinal) + "/hubs/ingestion");
            _hubConnections = new HubConnection[Clients];
            for (var i = 0; i < Clients; i++)
            {
                var connection = new HubConnectionBuilder().WithUrl(hubUri, static o => o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets).Build();
                connection.On<JobLogEvent>("OnLog", OnLog);
                connection.StartAsync().GetAwaiter().GetResult();
                connection.InvokeAsync<JobReplay>("Subscribe", _jobId, null).GetAwaiter().GetResult();
                _hubConnections[i] = connection;
            }

            Thread.Sleep(500);
            return;
        }

        _clients = new ClientWebSocket[Clients];
        _readers = new Task[Clients];
        var uri = new Uri(raw ? $"{address}/raw" : $"{address}/api/admin/ingestion-progress?jobId={_jobId}");
        for (var i = 0; i < Clients; i++)
        {
            var client = new ClientWebSocket();
            client.ConnectAsync(uri, CancellationToken.None).GetAwaiter().GetResult();
            _clients[i] = client;
            _readers[i] = Task.Run(() => ReadAsync(client));
        }

        WaitUntil(() => raw ? _raw.Count == Clients : true, "every raw client is registered");
        Thread.Sleep(500); // let snapshots and start-up events drain before the first operation
    }

    private async Task RunAsync(int events, TimeSpan interval, bool raw)
    {
        _latencies = new double[Clients * events];
        Interlocked.Exchange(ref _received, 0);
        _expected = (long)Clients * events;
        _allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < events; i++)
        {
            if (raw)
            {
                await _raw.BroadcastAsync(Stopwatch.GetTimestamp()).ConfigureAwait(false);
            }
            else
            {
                _emit.Release();
            }

            if (interval > TimeSpan.Zero)
            {
                await Task.Delay(interval).ConfigureAwait(false);
            }
        }

        await _allReceived.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        lock (_lock)
        {
            _perOperation.Add(_latencies);
        }
    }

    private async Task BodyAsync(JobContext context, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _emit.WaitAsync(cancellationToken).ConfigureAwait(false);
            await context.WaitIfPausedAsync().ConfigureAwait(false);
#pragma warning disable CA1848, CA2254 // the message is the measurement: a timestamp, formatted once per report
            context.Logger.LogInformation(Marker + Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture));
#pragma warning restore CA1848, CA2254
        }
    }

    private void OnLog(JobLogEvent log)
    {
        var now = Stopwatch.GetTimestamp();
        if (log.Message.StartsWith(Marker, StringComparison.Ordinal) && long.TryParse(log.Message.AsSpan(Marker.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sentAt))
        {
            Record(now, sentAt);
        }
    }

    private void Record(long now, long sentAt)
    {
        var index = Interlocked.Increment(ref _received) - 1;
        var latencies = _latencies;
        if (index < latencies.Length)
        {
            latencies[index] = (now - sentAt) * 1000.0 / Stopwatch.Frequency;
        }

        if (index + 1 == Volatile.Read(ref _expected))
        {
            _allReceived.TrySetResult();
        }
    }

    private async Task ReadAsync(ClientWebSocket client)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await client.ReceiveAsync(buffer.AsMemory(count), _stop.Token).ConfigureAwait(false);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                var span = buffer.AsSpan(0, count);
                var at = span.IndexOf(MarkerBytes);
                if (at < 0 || !Utf8Parser.TryParse(span[(at + MarkerBytes.Length)..], out long sentAt, out _))
                {
                    continue; // progress, state or snapshot: not a measured message
                }

                Record(now, sentAt);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Stopping.
        }
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 60);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            Thread.Sleep(10);
        }
    }

    /// <summary>The baseline: every accepted socket gets the same pre-built bytes, sent to all at once.</summary>
    private sealed class RawBroadcaster
    {
        private readonly List<WebSocket> _sockets = [];

        public int Count
        {
            get
            {
                lock (_sockets)
                {
                    return _sockets.Count;
                }
            }
        }

        public async Task AcceptAsync(HttpContext context)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            lock (_sockets)
            {
                _sockets.Add(socket);
            }

            var buffer = new byte[256];
            try
            {
                while ((await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false)).MessageType != WebSocketMessageType.Close)
                {
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The client went away.
            }
        }

        public Task BroadcastAsync(long timestamp)
        {
            // About the size of a log event of the real protocol.
            var message = Encoding.UTF8.GetBytes(FormattableString.Invariant(
                $"{{\"type\":\"log\",\"level\":\"information\",\"message\":\"{Marker}{timestamp}\",\"exception\":null,\"jobId\":\"0123456789abcdef0123456789abcdef\",\"seq\":1,\"timestamp\":\"2026-12-03T21:00:00.000+00:00\"}}"));
            WebSocket[] sockets;
            lock (_sockets)
            {
                sockets = [.. _sockets];
            }

            return Task.WhenAll(sockets.Select(s => s.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None)));
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithId("FanOut")
                .WithLaunchCount(1)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithWarmupCount(Warmups)
                .WithIterationCount(Iterations)
                .WithOutlierMode(OutlierMode.DontRemove));
            AddColumn(new PercentileColumn(99));
        }
    }
}
