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
            // Asked for explicitly; CI never sets it. Written to the test output, so the run shows it.
            output.WriteLine("SKIPPED: INGESTION_SKIP_REDIS_TESTS=1, so the Redis backplane was not tested.");
            return;
        }

        await using var redis = await RedisServer.StartAsync();
        var store = new MemoryJobStore();   // the database both hosts would share
        var prefix = "ingestion-test-" + Guid.NewGuid().ToString("N");
        void Wire(IIngestionBuilder ingestion)
        {
            ingestion.UseStore(_ => store).ConfigureEndpoints(o => o.AllowAnonymous = true);
            var services = ingestion.Services;
            var (redisEndpoint, channelPrefix) = (redis.Endpoint, prefix);

            // snippet: docs/protocol.md begin
            services.AddSignalR().AddStackExchangeRedis(redisEndpoint,          // e.g. "redis.internal:6379"
                o => o.Configuration.ChannelPrefix = RedisChannel.Literal(channelPrefix));
            // snippet: docs/protocol.md end
        }

        await using var hostA = await HubHost.StartAsync(Wire);
        await using var hostB = await HubHost.StartAsync(Wire);
        await using var client = await HubClient.ConnectAsync(hostB);
        (await client.Connection.InvokeAsync<IReadOnlyList<JobSnapshotEvent>>("SubscribeAll")).Should().BeEmpty();

        var jobId = await hostA.StartJobAsync(new { items = 200, delayMs = 5, logEvery = 10 });

        await client.WaitForAsync(e => e is JobCompletedEvent, "the job's end reaches host B's client");
        var events = client.Events.Where(e => e.JobId == jobId).ToList();
        events[0].Should().BeOfType<JobSnapshotEvent>("host A's sink introduces the job to all-jobs subscribers everywhere");
        events.Skip(1).Select(e => e.Seq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        events.OfType<JobLogEvent>().Select(l => l.Message).Should().Equal(Enumerable.Range(1, 20).Select(i => $"item {i * 10} done"), "every log line of host A's job came through Redis");
        events.OfType<JobStateChangedEvent>().Select(s => s.State).Should().Equal(JobState.Queued, JobState.Running, JobState.Completed);
        events.OfType<JobCompletedEvent>().Single().Summary.Progress.Succeeded.Should().Be(200);
        (await hostB.Services.GetRequiredService<IJobManager>().ListLiveAsync()).Should().BeEmpty("the job never ran on host B");

        // Host B knows the job from the shared store: a per-job subscription there finds it (its snapshot is the stored one).
        var replay = await client.SubscribeAsync(jobId);
        replay.FromStore.Should().BeTrue();
        replay.Snapshot.Job.State.Should().Be(JobState.Completed);
    }
}
