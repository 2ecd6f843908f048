using System.Text.Json;
using Ingestion.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Ingestion.Orleans;

/// <summary>
/// Carries events between hosts on one Redis channel: as a sink it publishes the events of the jobs this silo runs;
/// as a hosted service it hands every other silo's events to this host's dispatcher, so that this host's sinks (the
/// progress WebSocket, the SignalR hub, a console) see every job of the cluster as if it ran here. Pub/sub is at most
/// once: while Redis is away, other hosts miss events; when it is back, each host fetches what it missed from the
/// jobs' journals (a replay through each job's grain) and hands it to its sinks.
/// </summary>
internal sealed partial class ClusterEventRelay(IServiceProvider services, IOptions<OrleansIngestionOptions> options, IHostApplicationLifetime lifetime, ILogger<ClusterEventRelay> logger)
    : IProgressSink, IHostedService, IAsyncDisposable
{
    private readonly RedisChannel _channel = RedisChannel.Literal(options.Value.EventsChannel);

    // The manager is resolved at first use: it is made with its sinks, and this is one of them.
    private JobManager? _local;

    private JobManager Local => _local ??= services.GetRequiredService<JobManager>();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _remote = new(StringComparer.Ordinal);
    private readonly Lock _catchUpLock = new();
    private readonly List<JobEvent> _held = [];
    private bool _catchingUp;
    private ConnectionMultiplexer? _redis;
    private long _publishFailures;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configuration = ConfigurationOptions.Parse(options.Value.EventsRedis!);
        configuration.AbortOnConnectFail = false; // a Redis that is not up yet: connect when it is
        configuration.BacklogPolicy = BacklogPolicy.FailFast; // no stale events sent late: CatchUpAsync does it in order
        _redis = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        _redis.ConnectionFailed += (_, e) => Log.RedisLost(logger, e.EndPoint, e.Exception?.Message);
        _redis.ConnectionRestored += (_, e) =>
        {
            Log.RedisBack(logger, e.EndPoint);
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                lock (_catchUpLock)
                {
                    _catchingUp = true;
                }

                _ = CatchUpAsync();
            }
        };
        await _redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => Receive(message)).ConfigureAwait(false);

        // This silo's jobs stop (Interrupted, at their checkpoint) before Orleans deactivates their grains: once a grain
        // is gone, another silo may take its job over, and the body must not be running here any more by then.
        lifetime.ApplicationStopping.Register(() => Local.ShutdownAsync().GetAwaiter().GetResult());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
    {
        // Only this silo's own jobs: the others' came from Redis and are there already.
        if (_redis is null || Local.FindRun(jobEvent.JobId) is null)
        {
            return;
        }

        try
        {
            await _redis.GetSubscriber().PublishAsync(_channel, JsonSerializer.SerializeToUtf8Bytes(jobEvent, ClusterJson.Options)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (Interlocked.Increment(ref _publishFailures) % 100 == 1)
            {
                Log.PublishFailed(logger, jobEvent.JobId, _publishFailures, ex.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Receive(RedisValue message)
    {
        JobEvent? jobEvent;
        try
        {
            jobEvent = JsonSerializer.Deserialize<JobEvent>((byte[])message!, ClusterJson.Options);
        }
        catch (JsonException ex)
        {
            Log.BadMessage(logger, ex.Message);
            return;
        }

        if (jobEvent is null || Local.FindRun(jobEvent.JobId) is not null)
        {
            return;
        }

        lock (_catchUpLock)
        {
            // Live events that come while the missed ones are being fetched wait for them: a sink skips what is older
            // than what it has sent.
            if (_catchingUp)
            {
                _held.Add(jobEvent);
                return;
            }
        }

        Seen(jobEvent);
        Local.Dispatcher.Publish(jobEvent);
    }

    /// <summary>Remembers the last seq of each other silo's live job, for <see cref="CatchUpAsync"/>.</summary>
    private void Seen(JobEvent jobEvent)
    {
        if (jobEvent is JobCompletedEvent { Summary.State: var state } && state.IsFinal())
        {
            _remote.TryRemove(jobEvent.JobId, out _);
        }
        else
        {
            _remote.AddOrUpdate(jobEvent.JobId, jobEvent.Seq, (_, last) => Math.Max(last, jobEvent.Seq));
        }
    }

    /// <summary>
    /// Redis is back: what this host missed of the other silos' jobs meanwhile is in their journals. Each job's replay
    /// after the last seq seen goes to this host's sinks, then its snapshot, so that their clients see the state changes,
    /// log lines and completions of the outage (progress samples are not kept; the snapshot has the latest).
    /// </summary>
    private async Task CatchUpAsync()
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        foreach (var (jobId, last) in _remote.ToArray())
        {
            try
            {
                var json = await grains.GetGrain<IJobGrain>(jobId).ReplayAsync(last).ConfigureAwait(false);
                if (json is null)
                {
                    continue;
                }

                var replay = ClusterJson.Read<ReplayAnswer>(json);
                foreach (var missed in replay.Events)
                {
                    Seen(missed);
                    Local.Dispatcher.Publish(missed);
                }

                Local.Dispatcher.Publish(replay.Snapshot);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.CatchUpFailed(logger, jobId, ex.Message);
            }
        }

        JobEvent[] held;
        lock (_catchUpLock)
        {
            _catchingUp = false;
            held = [.. _held];
            _held.Clear();
        }

        foreach (var jobEvent in held)
        {
            Seen(jobEvent);
            Local.Dispatcher.Publish(jobEvent);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "The events Redis at {EndPoint} is gone ({Reason}): other hosts miss this silo's events until it is back")]
        public static partial void RedisLost(ILogger logger, System.Net.EndPoint? endPoint, string? reason);

        [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "The events Redis at {EndPoint} is back")]
        public static partial void RedisBack(ILogger logger, System.Net.EndPoint? endPoint);

        [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "An event of job {JobId} could not be published to the other hosts ({Failures} so far): {Reason}")]
        public static partial void PublishFailed(ILogger logger, string jobId, long failures, string reason);

        [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "A message on the events channel is not an event: {Reason}")]
        public static partial void BadMessage(ILogger logger, string reason);

        [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "What this host missed of job {JobId} while Redis was away could not be fetched: {Reason}")]
        public static partial void CatchUpFailed(ILogger logger, string jobId, string reason);
    }
}
