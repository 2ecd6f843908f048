using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Ingestion.Sinks.SignalR.Tests;

/// <summary>Two hosts on loopback sharing a real redis-server (the SignalR backplane) and a job store.</summary>
public class RedisBackplaneTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AJobRunningOnHostA_IsWatchedLive_ByAClientOfHostB()
    {
        if (RedisServer.SkipRequested)
        {
            output.WriteLine("Skipped: INGESTION_SKIP_REDIS_TESTS=1.");
            return;
        }

        await using var redis = await RedisServer.StartAsync();
        var store = new MemoryJobStore();   // the database both hosts would share
        var prefix = "ingestion-test-" + Guid.NewGuid().ToString("N");
        void Wire(IIngestionBuilder ingestion)
        {
            ingestion.UseStore(_ => store).ConfigureEndpoints(o => o.AllowAnonymous = true);
            ingestion.Services.AddSignalR().AddStackExchangeRedis(redis.Endpoint, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix));
        }

        await using var hostA = await HubHost.StartAsync(Wire);
        await using var hostB = await HubHost.StartAsync(Wire);
        var jobId = await hostA.StartJobAsync(new { items = 200, delayMs = 5, logEvery = 10 });
        await hostA.WaitForStateAsync(jobId, "running");

        await using var client = await HubClient.ConnectAsync(hostB);
        var replay = await client.SubscribeAsync(jobId);
        replay.FromStore.Should().BeTrue("host B knows the job from the shared store only");

        await client.WaitForAsync(e => e is JobCompletedEvent, "the job's end reaches host B's client");
        var live = client.LiveAfter(replay);
        live.Select(e => e.Seq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        live.OfType<JobLogEvent>().Should().NotBeEmpty("log lines of host A's job came through Redis");
        live.OfType<JobProgressEvent>().Should().NotBeEmpty();
        live.OfType<JobCompletedEvent>().Single().Summary.Progress.Succeeded.Should().Be(200);
        (await hostB.Services.GetRequiredService<IJobManager>().ListLiveAsync()).Should().BeEmpty("the job never ran on host B");
    }
}
