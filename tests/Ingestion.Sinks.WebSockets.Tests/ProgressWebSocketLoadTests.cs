using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ingestion.Sinks.WebSockets.Tests;

/// <summary>Many clients, and clients that do not keep up. (Throughput and latency are measured by the fan-out benchmark, not here.)</summary>
public class ProgressWebSocketLoadTests
{
    [Fact]
    public async Task TwoHundredConcurrentClients_OnOneJob_AllSeeEveryLogLine_AndTheCompletedEvent()
    {
        await using var host = await WebSocketHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 300, delayMs = 5, logEvery = 10 });

        var clients = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => ProgressSocket.ConnectAsync(host, $"?jobId={jobId}")));
        try
        {
            var closes = await Task.WhenAll(clients.Select(c => c.ReadToCloseAsync())).OrTimeout(TimeSpan.FromMinutes(1));

            closes.Should().OnlyContain(code => code == IngestionWebSocketCloseCodes.Normal);
            foreach (var client in clients)
            {
                client.Received[0].Type().Should().Be("snapshot");
                client.Received.Skip(1).Select(m => m.Seq()).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
                client.Received.Where(m => m.Is("log")).Should().HaveCount(30);
                var completed = client.Received[^1];
                completed.Type().Should().Be("completed");
                completed.GetProperty("summary").GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(300);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AClientThatNeverReads_DoesNotHoldUpTheJobOrTheOthers_AndLaterGetsAGapThenTheEnd()
    {
        await using var host = await WebSocketHost.StartAsync(o =>
        {
            o.SendQueueCapacity = 16;
            o.KeepAliveInterval = TimeSpan.Zero;
            o.KeepAliveTimeout = Timeout.InfiniteTimeSpan;
        });
        var hub = host.Services.GetRequiredService<WebSocketHub>();
        var manager = host.Services.GetRequiredService<IJobManager>();

        // Held at the start, so that both clients are there for every event; then 100,000 log lines as fast as it can.
        var go = new TaskCompletionSource();
        var job = await manager.StartAsync(async (context, cancellationToken) =>
        {
            await go.Task.WaitAsync(cancellationToken);
            context.Progress.SetTotal(100_000);
            for (var i = 1; i <= 100_000; i++)
            {
                await context.WaitIfPausedAsync();
                context.Progress.IncrementSucceeded();
                context.Logger.LogInformation("line {Line}", i);
            }
        });
        var jobId = job.Id;
        await using var stalled = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");
        await Wait.UntilAsync(() => hub.ConnectionCount == 1, "the stalled client is connected");
        var stalledConnection = hub.Connections[0];
        await using var reader = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");
        await Wait.UntilAsync(() => hub.ConnectionCount == 2, "both are connected");

        go.SetResult();
        var readerDone = reader.ReadToCloseAsync();

        // The job and the reading client finish while the other client has not read a byte.
        (await readerDone.OrTimeout(TimeSpan.FromMinutes(1))).Should().Be(IngestionWebSocketCloseCodes.Normal);
        reader.Received[^1].GetProperty("summary").GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(100_000);
        (await host.StateAsync(jobId)).Should().Be("completed");
        stalled.Received.Should().BeEmpty();
        stalledConnection.Dropped.Should().BeGreaterThan(0, "its queue is bounded: log lines beyond it were dropped, not buffered");

        // When it reads at last, it is told what it lost, and still gets the end, in seq order.
        (await stalled.ReadToCloseAsync().OrTimeout(TimeSpan.FromMinutes(1))).Should().Be(IngestionWebSocketCloseCodes.Normal);
        stalled.Received.Should().Contain(m => m.Is("gap"));
        stalled.Received.Skip(1).Select(m => m.Seq()).Should().BeInAscendingOrder();
        stalled.Received.Where(m => m.Is("state")).Select(m => m.GetProperty("state").GetString()).Should().EndWith("completed", "state changes survive a slow client: after a gap it gets the journal");
        var completed = stalled.Received[^1];
        completed.Type().Should().Be("completed");
        completed.GetProperty("summary").GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(100_000);
    }

    [Fact]
    public async Task AClientThatStopsReading_IsDropped_OnceASendHasWaitedLongerThanTheTimeout()
    {
        await using var host = await WebSocketHost.StartAsync(o =>
        {
            o.KeepAliveInterval = TimeSpan.Zero;               // no pings: only the stalled send can tell
            o.KeepAliveTimeout = TimeSpan.FromSeconds(1);
        });
        var hub = host.Services.GetRequiredService<WebSocketHub>();
        var manager = host.Services.GetRequiredService<IJobManager>();
        var job = await manager.StartAsync(async (context, cancellationToken) =>
        {
            // Big log lines until cancelled: enough to fill any socket buffer.
            var line = new string('x', 4000);
            while (true)
            {
                await context.WaitIfPausedAsync();
                context.Logger.LogInformation("{Line}", line);
                await Task.Delay(1, cancellationToken);
            }
        });
        await using var stalled = await ProgressSocket.ConnectAsync(host, $"?jobId={job.Id}");
        await Wait.UntilAsync(() => hub.ConnectionCount == 1, "the client is connected");

        await Wait.UntilAsync(() => hub.ConnectionCount == 0, "the stalled client is dropped", TimeSpan.FromSeconds(60));

        (await manager.GetAsync(job.Id))!.State.Should().Be(JobState.Running, "the job never noticed");
        (await manager.CancelAsync(job.Id)).Succeeded.Should().BeTrue();
    }
}
