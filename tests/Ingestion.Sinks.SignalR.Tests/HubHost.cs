using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Sinks.SignalR.Tests;

/// <summary>A loopback host with the counting job, the control endpoints and the ingestion hub, anonymous unless told otherwise.</summary>
internal static class HubHost
{
    public static Task<LoopbackHost> StartAsync(Action<IIngestionBuilder>? ingestion = null, Action<WebApplication>? pipeline = null)
        => IngestionTestHost.StartAsync(i => i.AddSignalRSink(), app => app.MapIngestionHub(), ingestion, pipeline);
}

/// <summary>A real SignalR .NET client on the hub, recording every event it is sent, in order.</summary>
internal sealed class HubClient : IAsyncDisposable
{
    private HubClient(HubConnection connection)
    {
        Connection = connection;
        foreach (var (method, type) in new (string, Type)[]
        {
            ("OnSnapshot", typeof(JobSnapshotEvent)), ("OnState", typeof(JobStateChangedEvent)), ("OnProgress", typeof(JobProgressEvent)),
            ("OnLog", typeof(JobLogEvent)), ("OnCompleted", typeof(JobCompletedEvent)), ("OnGap", typeof(JobGapEvent)),
        })
        {
            connection.On(method, [type], args =>
            {
                Events.Enqueue((JobEvent)args[0]!);
                return Task.CompletedTask;
            });
        }
    }

    public HubConnection Connection { get; }

    /// <summary>Every live event received, in order.</summary>
    public ConcurrentQueue<JobEvent> Events { get; } = new();

    public static async Task<HubClient> ConnectAsync(LoopbackHost host, Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions>? configure = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, "hubs/ingestion"), o => configure?.Invoke(o))
            .Build();
        var client = new HubClient(connection);
        await connection.StartAsync().OrTimeout();
        return client;
    }

    /// <summary>
    /// Subscribes the documented way: the snapshot and replay first, then the live events whose seq is above the
    /// snapshot's (the ones that arrived before the answer and are covered by it are dropped).
    /// </summary>
    public async Task<JobReplay> SubscribeAsync(string jobId, long? since = null)
        => await Connection.InvokeAsync<JobReplay>("Subscribe", jobId, since).OrTimeout();

    /// <summary>The live events of a job after a subscription's snapshot, as the client applies them.</summary>
    public List<JobEvent> LiveAfter(JobReplay replay)
        => Events.Where(e => e.JobId == replay.Snapshot.JobId && e.Seq > replay.Snapshot.Seq).ToList();

    public Task WaitForAsync(Func<JobEvent, bool> match, string because)
        => Wait.UntilAsync(() => Events.Any(match), because);

    /// <summary>
    /// Waits for an event of a subscription, in its replay or live after it: on a loaded machine a short job may have
    /// logged the line, or ended, before the subscription was made, and then it is only in the replay.
    /// </summary>
    public Task WaitForAsync(JobReplay replay, Func<JobEvent, bool> match, string because)
        => Wait.UntilAsync(() => replay.Events.Any(match) || LiveAfter(replay).Any(match), because);

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
