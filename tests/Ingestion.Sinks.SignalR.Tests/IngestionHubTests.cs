using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Sinks.SignalR.Tests;

public class IngestionHubTests
{
    [Fact]
    public async Task Subscribe_ReturnsTheSnapshotAndJournal_ThenLiveEventsFollowInSeqOrder_UntilCompleted()
    {
        await using var host = await HubHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 60, delayMs = 5, logEvery = 10 });
        await using var client = await HubClient.ConnectAsync(host);

        var replay = await client.SubscribeAsync(jobId);
        await client.WaitForAsync(replay, e => e is JobCompletedEvent, "the job ends");

        replay.Snapshot.JobId.Should().Be(jobId);
        var applied = replay.Events.Concat(client.LiveAfter(replay)).ToList();
        applied.Select(e => e.Seq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        applied.OfType<JobLogEvent>().Select(l => l.Message).Should().Equal(Enumerable.Range(1, 6).Select(i => $"item {i * 10} done"));
        applied.OfType<JobStateChangedEvent>().Select(s => s.State).Should().Equal(JobState.Queued, JobState.Running, JobState.Completed);
        var completed = applied.OfType<JobCompletedEvent>().Single();
        completed.Summary.Progress.Succeeded.Should().Be(60);
        completed.Summary.Progress.Elapsed.Should().BePositive();
    }

    [Fact]
    public async Task PauseResumeCancel_ThroughTheHub_ReturnTheNewState_AndAreSeenAsEvents()
    {
        await using var host = await HubHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 1_000_000, delayMs = 5 });
        await host.WaitForStateAsync(jobId, "running");
        await using var client = await HubClient.ConnectAsync(host);
        await client.SubscribeAsync(jobId);

        (await client.Connection.InvokeAsync<JobState>("Pause", jobId)).Should().Be(JobState.Pausing);
        await client.WaitForAsync(e => e is JobStateChangedEvent { State: JobState.Paused }, "paused");
        (await client.Connection.InvokeAsync<JobState>("Pause", jobId)).Should().Be(JobState.Paused, "pausing a paused job changes nothing");
        (await client.Connection.InvokeAsync<JobState>("Resume", jobId)).Should().Be(JobState.Running);
        await client.WaitForAsync(e => e is JobStateChangedEvent { State: JobState.Running, PreviousState: JobState.Paused }, "running again");
        await client.Connection.InvokeAsync<JobState>("Cancel", jobId);
        await client.WaitForAsync(e => e is JobCompletedEvent { Summary.State: JobState.Cancelled }, "cancelled");
    }

    [Fact]
    public async Task UnknownJobs_AndIllegalTransitions_AreHubExceptions_WithAClearMessage()
    {
        await using var host = await HubHost.StartAsync();
        var done = await host.StartJobAsync(new { items = 1 });
        await host.WaitForStateAsync(done, "completed");
        await using var client = await HubClient.ConnectAsync(host);

        var unknown = () => client.Connection.InvokeAsync<JobReplay>("Subscribe", "0123456789abcdef0123456789abcdef", null);
        (await unknown.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("No job has the id '0123456789abcdef0123456789abcdef'");
        var pauseUnknown = () => client.Connection.InvokeAsync<JobState>("Pause", "nope");
        (await pauseUnknown.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("No job has the id 'nope'");
        var resumeDone = () => client.Connection.InvokeAsync<JobState>("Resume", done);
        (await resumeDone.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("completed");
        var badSince = () => client.Connection.InvokeAsync<JobReplay>("Subscribe", done, -1L);
        (await badSince.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("since");
        client.Connection.State.Should().Be(HubConnectionState.Connected, "errors do not end the connection");
    }

    [Fact]
    public async Task ALateJoiner_GetsTheSnapshot_AndAReconnectWithSince_GetsExactlyWhatItMissed()
    {
        await using var host = await HubHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 300, delayMs = 3, logEvery = 1 });
        await using var witness = await HubClient.ConnectAsync(host);
        var witnessReplay = await witness.SubscribeAsync(jobId);

        List<JobEvent> firstSeen;
        long lastSeq;
        await using (var first = await HubClient.ConnectAsync(host))
        {
            var firstReplay = await first.SubscribeAsync(jobId);
            await first.WaitForAsync(firstReplay, e => e is JobLogEvent { Message: "item 50 done" }, "a while");
            firstSeen = firstReplay.Events.Concat(first.LiveAfter(firstReplay)).ToList();
            lastSeq = Math.Max(firstReplay.Snapshot.Seq, firstSeen.Max(e => e.Seq));
        }

        await Wait.UntilAsync(async () => (await host.Services.GetRequiredService<IJobManager>().GetAsync(jobId))!.LastSeq > lastSeq + 30, "the job moves on");
        await using var second = await HubClient.ConnectAsync(host);
        var secondReplay = await second.SubscribeAsync(jobId, lastSeq);
        await second.WaitForAsync(secondReplay, e => e is JobCompletedEvent, "the job ends for the second session");
        await witness.WaitForAsync(witnessReplay, e => e is JobCompletedEvent, "the job ends for the witness");

        static bool Kept(JobEvent e) => e is JobLogEvent or JobStateChangedEvent or JobCompletedEvent or JobGapEvent;
        var all = witnessReplay.Events.Concat(witness.LiveAfter(witnessReplay)).Where(Kept).Select(e => e.Seq).ToList();
        var secondSeen = secondReplay.Events.Concat(second.LiveAfter(secondReplay)).Where(Kept).Select(e => e.Seq).ToList();
        secondSeen.Should().Equal(all.Where(s => s > lastSeq));
        firstSeen.Where(Kept).Select(e => e.Seq).Where(s => s <= lastSeq).Concat(secondSeen).Should().Equal(all);
        all.Should().HaveCountGreaterThan(300);
    }

    [Fact]
    public async Task SubscribeAll_ReturnsTheLiveJobs_AndGetsEventsOfJobsStartedLater()
    {
        await using var host = await HubHost.StartAsync();
        var running = await host.StartJobAsync(new { items = 1_000_000, delayMs = 5 });
        await host.WaitForStateAsync(running, "running");
        await using var client = await HubClient.ConnectAsync(host);

        var snapshots = await client.Connection.InvokeAsync<IReadOnlyList<JobSnapshotEvent>>("SubscribeAll");
        snapshots.Should().ContainSingle().Which.Job.Id.Should().Be(running);

        var later = await host.StartJobAsync(new { items = 2 });
        await client.WaitForAsync(e => e is JobCompletedEvent c && c.JobId == later, "the later job's end");
        await client.Connection.InvokeAsync<JobState>("Cancel", running);
    }

    [Fact]
    public async Task AllJobsSubscribers_GetANewJobsSnapshotFirst_AndAConnectionSubscribedBothWays_GetsEachEventOnce()
    {
        await using var host = await HubHost.StartAsync();
        var running = await host.StartJobAsync(new { items = 1_000_000, delayMs = 5, logEvery = 20 });
        await host.WaitForStateAsync(running, "running");
        await using var client = await HubClient.ConnectAsync(host);
        await client.SubscribeAsync(running);
        await client.Connection.InvokeAsync<IReadOnlyList<JobSnapshotEvent>>("SubscribeAll");
        await client.SubscribeAsync(running);   // on an all-jobs connection: the replay only

        var later = await host.StartJobAsync(new { items = 3, logEvery = 1 });
        await client.WaitForAsync(e => e is JobCompletedEvent c && c.JobId == later, "the later job's end");
        await client.WaitForAsync(e => e is JobLogEvent l && l.JobId == running, "a log line of the running job");

        var ofLater = client.Events.Where(e => e.JobId == later).ToList();
        ofLater[0].Should().BeOfType<JobSnapshotEvent>("an all-jobs subscriber learns what a new job is before its events");
        ((JobSnapshotEvent)ofLater[0]).Job.Kind.Should().Be(CountingJob.Kind);
        ofLater.Skip(1).Select(e => e.Seq).Should().OnlyHaveUniqueItems().And.BeInAscendingOrder();
        client.Events.Where(e => e.JobId == running).Select(e => e.Seq).Should().OnlyHaveUniqueItems("a connection in the all-jobs group is not also in the job's group");
        await client.Connection.InvokeAsync<JobState>("Cancel", running);
    }

    [Fact]
    public async Task AFailedSubscribe_LeavesNoGroupBehind()
    {
        await using var host = await HubHost.StartAsync();
        await using var client = await HubClient.ConnectAsync(host);
        var unknown = "0123456789abcdef0123456789abcdef";
        await FluentActions.Awaiting(() => client.SubscribeAsync(unknown)).Should().ThrowAsync<HubException>();

        // Events sent to that job's group now reach nobody.
        var hub = host.Services.GetRequiredService<Microsoft.AspNetCore.SignalR.IHubContext<IngestionHub>>();
        await hub.Clients.Group(IngestionHub.JobGroup(unknown)).SendAsync("OnLog", SignalRSink.Serialize(new JobLogEvent { JobId = unknown, Seq = 1, Timestamp = DateTimeOffset.UtcNow, Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "x" }));
        await client.Connection.InvokeAsync<IReadOnlyList<JobSnapshotEvent>>("SubscribeAll");   // a round trip after it
        client.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task TheHub_RequiresTheSamePolicyAsTheEndpoints()
    {
        await using var host = await HubHost.StartAsync(i =>
        {
            i.ConfigureEndpoints(o => o.AuthorizationPolicy = ApiKeyAuthentication.Policy);
            i.Services.AddApiKeyAdminPolicy();
        });

        var anonymous = () => HubClient.ConnectAsync(host);
        (await anonymous.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var viewer = () => HubClient.ConnectAsync(host, o => o.Headers["X-Api-Key"] = ApiKeyAuthentication.ViewerKey);
        (await viewer.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(HttpStatusCode.Forbidden);

        await using var admin = await HubClient.ConnectAsync(host, o => o.Headers["X-Api-Key"] = ApiKeyAuthentication.AdminKey);
        (await admin.Connection.InvokeAsync<IReadOnlyList<JobSnapshotEvent>>("SubscribeAll")).Should().BeEmpty();
    }
}
