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
/// once: while Redis is away, a silo keeps the events it could not publish (up to 10,000) and sends them, in order, when
/// it is back; and each host, when its own subscription is back, fetches what it missed from the jobs' journals (a
/// replay through each job's grain) and hands it to its sinks before the live events that came meanwhile.
/// </summary>
internal sealed partial class ClusterEventRelay(IServiceProvider services, IOptions<OrleansIngestionOptions> options, IHostApplicationLifetime lifetime, ILogger<ClusterEventRelay> logger)
    : IProgressSink, IHostedService, IAsyncDisposable
{
    private readonly RedisChannel _channel = RedisChannel.Literal(options.Value.EventsChannel);

    // The manager is resolved at first use: it is made with its sinks, and this is one of them.
    private JobManager? _local;

    private JobManager Local => _local ??= services.GetRequiredService<JobManager>();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _remote = new(StringComparer.Ordinal);
    private const int MaxUnsent = 10_000;
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private readonly Queue<JobEvent> _unsent = new();
    private readonly Lock _catchUpLock = new();
    private readonly List<JobEvent> _held = [];
    private bool _catchingUp;
    private int _breaks; // subscription failures so far: a catch-up that saw another one begin does not end the hold

    // Events this host took from Redis and handed to its dispatcher: they come back to this sink, and are not sent on.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<JobEvent, object> _fromRedis = [];
    private readonly SemaphoreSlim _catchingUpOne = new(1, 1);
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private ConnectionMultiplexer? _redis;
    private long _publishFailures;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configuration = ConfigurationOptions.Parse(options.Value.EventsRedis!);
        configuration.AbortOnConnectFail = false; // a Redis that is not up yet: connect when it is
        configuration.BacklogPolicy = BacklogPolicy.FailFast; // no stale events sent late: CatchUpAsync does it in order
        _redis = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        _redis.ConnectionFailed += (_, e) =>
        {
            Log.RedisLost(logger, e.EndPoint, e.Exception?.Message);

            // From now on live events wait: the first ones after the subscription is back may come before this host
            // has fetched what it missed, and a sink skips what is older than what it has sent.
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                lock (_catchUpLock)
                {
                    _catchingUp = true;
                    _breaks++;
                }
            }
        };
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
            else
            {
                _ = FlushWhenBackAsync();
            }
        };
        // A queue, not a handler: handlers may run concurrently, a queue's messages are handled one after another, in order.
        var messages = await _redis.GetSubscriber().SubscribeAsync(_channel).ConfigureAwait(false);
        messages.OnMessage(message => Receive(message.Message));

        // This silo's jobs stop (Interrupted, at their checkpoint) before Orleans deactivates their grains: once a grain
        // is gone, another silo may take its job over, and the body must not be running here any more by then.
        lifetime.ApplicationStopping.Register(() => Local.ShutdownAsync().GetAwaiter().GetResult());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
    {
        // Only this silo's own jobs' events: the others' came from Redis and are there already.
        if (_redis is null || _fromRedis.TryGetValue(jobEvent, out _))
        {
            return;
        }

        await _publishing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // What could not be sent while Redis was away goes first, in order; the new event waits behind it.
            _unsent.Enqueue(jobEvent);
            await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _publishing.Release();
        }
    }

    /// <summary>
    /// Publishes the events that wait, oldest first, until one fails (Redis is away): that one and the rest wait for
    /// the next event or for Redis to come back. At most <see cref="MaxUnsent"/> wait; beyond that the oldest go, and
    /// the hosts that miss them fetch them from the journal when their own connection comes back.
    /// </summary>
    private async Task FlushAsync()
    {
        while (_unsent.TryPeek(out var next))
        {
            try
            {
                await _redis!.GetSubscriber().PublishAsync(_channel, JsonSerializer.SerializeToUtf8Bytes(new RelayedEvent(_origin, next), ClusterJson.Options)).ConfigureAwait(false);
                _unsent.Dequeue();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                if (Interlocked.Increment(ref _publishFailures) % 100 == 1)
                {
                    Log.PublishFailed(logger, next.JobId, _publishFailures, ex.Message);
                }

                while (_unsent.Count > MaxUnsent)
                {
                    _unsent.Dequeue();
                }

                return;
            }
        }
    }

    private async Task FlushWhenBackAsync()
    {
        await _publishing.WaitAsync().ConfigureAwait(false);
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _publishing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _publishing.Dispose();
        _catchingUpOne.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Receive(RedisValue message)
    {
        RelayedEvent? relayed;
        try
        {
            relayed = JsonSerializer.Deserialize<RelayedEvent>((byte[])message!, ClusterJson.Options);
        }
        catch (JsonException ex)
        {
            Log.BadMessage(logger, ex.Message);
            return;
        }

        if (relayed?.Event is not { } jobEvent || relayed.Origin == _origin)
        {
            return;
        }

        lock (_catchUpLock)
        {
            // Live events that come after the subscription broke wait until the missed ones are fetched.
            if (_catchingUp)
            {
                _held.Add(jobEvent);
                return;
            }
        }

        Hand(jobEvent);
    }

    /// <summary>To this host's sinks (and its watchers), marked as come from Redis.</summary>
    private void Hand(JobEvent jobEvent)
    {
        Seen(jobEvent);
        _fromRedis.AddOrUpdate(jobEvent, _origin);
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
        await _catchingUpOne.WaitAsync().ConfigureAwait(false);
        try
        {
            int breaks;
            do
            {
                lock (_catchUpLock)
                {
                    breaks = _breaks;
                }

                await FetchMissedAsync().ConfigureAwait(false);
            }
            while (!ReleaseHeld(breaks));
        }
        finally
        {
            _catchingUpOne.Release();
        }
    }

    private async Task FetchMissedAsync()
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
                    Hand(missed);
                }

                Hand(replay.Snapshot);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.CatchUpFailed(logger, jobId, ex.Message);
            }
        }
    }

    /// <summary>
    /// Ends the hold and hands over what it kept, unless the subscription broke again since <paramref name="breaks"/>
    /// (then the caller fetches once more).
    /// </summary>
    private bool ReleaseHeld(int breaks)
    {
        JobEvent[] held;
        lock (_catchUpLock)
        {
            if (_breaks != breaks)
            {
                return false;
            }

            _catchingUp = false;
            held = [.. _held];
            _held.Clear();
        }

        foreach (var jobEvent in held)
        {
            Hand(jobEvent);
        }

        return true;
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

/// <summary>What travels on the channel: an event, and which host sent it (so that it does not take its own back).</summary>
internal sealed record RelayedEvent(string Origin, JobEvent Event);
