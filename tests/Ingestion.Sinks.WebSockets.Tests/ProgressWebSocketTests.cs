using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;

namespace Ingestion.Sinks.WebSockets.Tests;

/// <summary>The progress WebSocket's happy paths: snapshot, replay, live events and commands, on real Kestrel and ClientWebSocket.</summary>
public class ProgressWebSocketTests
{
    private static readonly string[] KeptTypes = ["state", "log", "completed", "gap"];

    [Fact]
    public async Task Subscribe_GetsTheSnapshot_ThenEveryEventInSeqOrder_UntilCompleted_ThenANormalClose()
    {
        await using var host = await WebSocketHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 50, delayMs = 2, logEvery = 10 });

        await using var socket = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");
        var close = await socket.ReadToCloseAsync().OrTimeout();

        close.Should().Be(IngestionWebSocketCloseCodes.Normal);
        var messages = socket.Received;
        messages[0].Type().Should().Be("snapshot");
        messages[0].GetProperty("job").GetProperty("id").GetString().Should().Be(jobId);
        messages.Skip(1).Select(m => m.Seq()).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("after the snapshot, events come in seq order, each once");
        foreach (var message in messages)
        {
            message.GetProperty("jobId").GetString().Should().Be(jobId);
            message.GetProperty("timestamp").GetDateTimeOffset().Should().BeAfter(DateTimeOffset.UnixEpoch);
        }

        messages.Where(m => m.Is("log")).Select(m => m.GetProperty("message").GetString()).Should().Equal(
            "item 10 done", "item 20 done", "item 30 done", "item 40 done", "item 50 done");
        messages.Where(m => m.Is("state")).Select(m => m.GetProperty("state").GetString()).Should().Equal("queued", "running", "completed");
        messages.Should().NotContain(m => m.Is("gap"));
        var completed = messages[^1];
        completed.Type().Should().Be("completed");
        completed.GetProperty("summary").GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(50);
    }

    [Fact]
    public async Task PauseResumeAndCancel_OverRestAndOverTheSocket_AreAnsweredAndSeenAsStateEvents()
    {
        await using var host = await WebSocketHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 1_000_000, delayMs = 5 });
        await host.WaitForStateAsync(jobId, "running");
        await using var socket = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");
        await socket.ReceiveUntilAsync(m => m.Is("snapshot"), "the snapshot");

        (await host.Client.PostAsync($"api/admin/pause-ingestion/{jobId}", null)).EnsureSuccessStatusCode();
        await socket.ReceiveUntilAsync(m => m.IsState("paused"), "the REST pause is seen");

        await socket.SendAsync(new { type = "resume", requestId = "r1" });
        var resumed = (await socket.ReceiveEachAsync("the resume is answered and seen", m => m.Is("result"), m => m.IsState("running")))[0];
        resumed.GetProperty("requestId").GetString().Should().Be("r1");
        resumed.GetProperty("command").GetString().Should().Be("resume");
        resumed.GetProperty("status").GetString().Should().Be("applied");
        resumed.GetProperty("state").GetString().Should().Be("running");
        resumed.GetProperty("jobId").GetString().Should().Be(jobId);
        resumed.Seq().Should().BeGreaterThan(0, "a result carries the last seq this client was sent");

        await socket.SendAsync(new { type = "pause", requestId = "p2" });
        var paused = await socket.ReceiveEachAsync("the pause is answered and seen", m => m.Is("result"), m => m.IsState("paused"));
        paused[0].GetProperty("state").GetString().Should().Be("pausing");
        (await host.StateAsync(jobId)).Should().Be("paused");

        await socket.SendAsync(new { type = "pause", requestId = "p3" });
        (await socket.ReceiveUntilAsync(m => m.Is("result"), "the second pause is answered")).GetProperty("status").GetString().Should().Be("unchanged");

        (await host.Client.PostAsync($"api/admin/resume-ingestion/{jobId}", null)).EnsureSuccessStatusCode();
        await socket.ReceiveUntilAsync(m => m.IsState("running"), "the REST resume is seen");

        await socket.SendAsync(new { type = "cancel" });
        var cancelled = await socket.ReceiveEachAsync("the cancel is answered and the job ends", m => m.Is("result"), m => m.Is("completed"));
        cancelled[0].GetProperty("status").GetString().Should().Be("applied");
        var completed = cancelled[1];
        completed.GetProperty("summary").GetProperty("state").GetString().Should().Be("cancelled");
        (await socket.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.Normal);
    }

    [Fact]
    public async Task AnIllegalCommand_IsAnsweredWithAnError_SayingTheState_AndTheConnectionGoesOn()
    {
        await using var host = await WebSocketHost.StartAsync();
        var done = await host.StartJobAsync(new { items = 1 });
        await host.WaitForStateAsync(done, "completed");
        await using var socket = await ProgressSocket.ConnectAsync(host);

        await socket.SendAsync(new { type = "resume", jobId = done, requestId = 7 });
        var error = await socket.ReceiveUntilAsync(m => m.Is("error"), "the resume is refused");
        error.GetProperty("code").GetString().Should().Be("invalid-transition");
        error.GetProperty("state").GetString().Should().Be("completed");
        error.GetProperty("jobId").GetString().Should().Be(done);
        error.GetProperty("requestId").GetString().Should().Be("7");

        await socket.SendAsync(new { type = "pause", jobId = "0123456789abcdef0123456789abcdef" });
        (await socket.ReceiveUntilAsync(m => m.Is("error"), "the unknown job is refused")).GetProperty("code").GetString().Should().Be("job-not-found");

        await socket.SendAsync(new { type = "ping" });
        await socket.ReceiveUntilAsync(m => m.Is("pong"), "the connection is still open");
    }

    [Fact]
    public async Task ALateJoiner_GetsTheSnapshotAsTheJobIsNow()
    {
        await using var host = await WebSocketHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 1_000_000, delayMs = 2 });
        await Wait.UntilAsync(async () => JsonDocument.Parse(await host.Client.GetStringAsync($"api/admin/ingestion-jobs/{jobId}")).RootElement.GetProperty("progress").GetProperty("succeeded").GetInt64() >= 5, "the job has made progress");
        (await host.Client.PostAsync($"api/admin/pause-ingestion/{jobId}", null)).EnsureSuccessStatusCode();
        await host.WaitForStateAsync(jobId, "paused");

        await using var socket = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");
        var snapshot = (await socket.ReceiveAsync())!.Value;

        snapshot.Type().Should().Be("snapshot");
        var job = snapshot.GetProperty("job");
        job.GetProperty("state").GetString().Should().Be("paused");
        job.GetProperty("progress").GetProperty("succeeded").GetInt64().Should().BeGreaterThanOrEqualTo(5);
        job.GetProperty("progress").GetProperty("total").GetInt64().Should().Be(1_000_000);
        snapshot.Seq().Should().Be(job.GetProperty("lastSeq").GetInt64());
        await socket.SendAsync(new { type = "cancel" });
        (await socket.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.Normal);
    }

    [Fact]
    public async Task AJobThatHasEnded_GetsItsSnapshotAndJournal_ThenANormalClose()
    {
        await using var host = await WebSocketHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 3, logEvery = 1 });
        await host.WaitForStateAsync(jobId, "completed");

        await using var socket = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");

        (await socket.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.Normal);
        socket.Received[0].GetProperty("job").GetProperty("state").GetString().Should().Be("completed");
        socket.Received.Skip(1).Select(m => m.Type()).Should().Equal("state", "state", "log", "log", "log", "state", "completed");
    }

    [Fact]
    public async Task Reconnecting_WithSince_GetsExactlyTheMissedEvents_NoGapAndNoDuplicate()
    {
        await using var host = await WebSocketHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 400, delayMs = 3, logEvery = 1 });
        await using var witness = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");
        var everything = witness.ReadToCloseAsync();

        // A client reads a while, remembering the highest seq it saw, and drops off without a goodbye.
        var first = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");
        while (first.Received.Count < 40)
        {
            await first.ReceiveAsync();
        }

        var lastSeq = first.Received.Max(m => m.Seq());
        first.Socket.Abort();
        await first.DisposeAsync();
        await Wait.UntilAsync(async () => JsonDocument.Parse(await host.Client.GetStringAsync($"api/admin/ingestion-jobs/{jobId}")).RootElement.GetProperty("lastSeq").GetInt64() > lastSeq + 30, "the job has moved on");

        // It comes back with since = that seq, while the job still runs.
        await using var second = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}&since={lastSeq}");
        (await second.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.Normal);
        (await everything.OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.Normal);

        second.Received[0].Type().Should().Be("snapshot");
        var kept = witness.Received.Skip(1).Where(m => KeptTypes.Contains(m.Type())).Select(m => m.Seq()).ToList();
        kept.Should().HaveCountGreaterThan(400).And.OnlyHaveUniqueItems();
        var firstKept = first.Received.Skip(1).Where(m => KeptTypes.Contains(m.Type())).Select(m => m.Seq());
        var secondKept = second.Received.Skip(1).Where(m => KeptTypes.Contains(m.Type())).Select(m => m.Seq()).ToList();
        secondKept.Should().Equal(kept.Where(seq => seq > lastSeq), "the second session gets exactly what came after the first one's last seq");
        firstKept.Concat(secondKept).Should().Equal(kept, "together the two sessions saw every kept event once");
        witness.Received.Concat(second.Received).Should().NotContain(m => m.Is("gap"));
    }

    [Fact]
    public async Task AllJobs_GetsASnapshotOfEveryLiveJob_AndOfJobsStartedLater_AndStaysOpen()
    {
        await using var host = await WebSocketHost.StartAsync();
        var running = await host.StartJobAsync(new { items = 1_000_000, delayMs = 5 });
        await host.WaitForStateAsync(running, "running");

        await using var socket = await ProgressSocket.ConnectAsync(host);
        var first = (await socket.ReceiveAsync())!.Value;
        first.Type().Should().Be("snapshot");
        first.GetProperty("jobId").GetString().Should().Be(running);

        var later = await host.StartJobAsync(new { items = 3, logEvery = 1 });
        var snapshot = await socket.ReceiveUntilAsync(m => m.Is("snapshot"), "the new job's snapshot");
        snapshot.GetProperty("jobId").GetString().Should().Be(later);
        await socket.ReceiveUntilAsync(m => m.Is("completed") && m.GetProperty("jobId").GetString() == later, "the new job ends");
        var ofLater = socket.Received.Where(m => m.GetProperty("jobId").GetString() == later).ToList();
        ofLater.SkipWhile(m => !m.Is("snapshot")).Skip(1).Select(m => m.Seq()).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        ofLater.Where(m => m.Is("log")).Should().HaveCount(3);

        await socket.SendAsync(new { type = "cancel" });
        (await socket.ReceiveUntilAsync(m => m.Is("error"), "a command without a job id is refused")).GetProperty("code").GetString().Should().Be("invalid-command");
        await socket.SendAsync(new { type = "cancel", jobId = running, requestId = "c" });
        await socket.ReceiveUntilAsync(m => m.Is("completed") && m.GetProperty("jobId").GetString() == running, "the running job is cancelled");

        await socket.SendAsync(new { type = "ping", requestId = "still-open" });
        (await socket.ReceiveUntilAsync(m => m.Is("pong"), "the pong")).GetProperty("requestId").GetString().Should().Be("still-open");
    }

    [Fact]
    public async Task TheStartAnswer_LinksToTheProgressWebSocket()
    {
        await using var host = await WebSocketHost.StartAsync();

        var response = await host.Client.PostAsync("api/admin/start-ingestion", System.Net.Http.Json.JsonContent.Create(new { items = 1 }));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var jobId = body.GetProperty("jobId").GetString();
        body.GetProperty("links").GetProperty("progress").GetString().Should().Be($"/api/admin/ingestion-progress?jobId={jobId}");
    }
}

/// <summary>The moments between a job's end and its completion event, and commands that end a job at once.</summary>
public class ProgressWebSocketEndingTests
{
    [Fact]
    public async Task AClientThatConnectsWhileTheFinalRecordIsBeingWritten_StillGetsTheCompletedEvent()
    {
        var store = new GatedStore();
        await using var host = await WebSocketHost.StartAsync(ingestion: i => i.UseStore(_ => store.Store).ConfigureEndpoints(o => o.AllowAnonymous = true));
        var jobId = await host.StartJobAsync(new { items = 3 });
        await store.FinalSaveStarted.Task.OrTimeout();

        // The job's state is final, but its completion event waits for the store.
        await using var socket = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}");
        var snapshot = (await socket.ReceiveAsync())!.Value;
        snapshot.GetProperty("job").GetProperty("state").GetString().Should().Be("completed");
        store.ReleaseFinalSave.SetResult();

        var completed = await socket.ReceiveUntilAsync(m => m.Is("completed"), "the completion event");
        completed.GetProperty("summary").GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(3);
        (await socket.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.Normal);
    }

    [Fact]
    public async Task CancellingAQueuedJobOverItsSocket_AnswersTheCommand_BeforeTheClose()
    {
        await using var host = await WebSocketHost.StartAsync(ingestion: i =>
        {
            i.Services.Configure<IngestionOptions>(o => o.MaxConcurrentJobs = 1);
            i.ConfigureEndpoints(o => o.AllowAnonymous = true);
        });
        var running = await host.StartJobAsync(new { items = 1_000_000, delayMs = 5 });
        await host.WaitForStateAsync(running, "running");
        var queued = await host.StartJobAsync(new { items = 1 });
        (await host.StateAsync(queued)).Should().Be("queued");
        await using var socket = await ProgressSocket.ConnectAsync(host, $"?jobId={queued}");
        await socket.ReceiveUntilAsync(m => m.Is("snapshot"), "the snapshot");

        await socket.SendAsync(new { type = "cancel", requestId = "c-1" });

        var answered = await socket.ReceiveEachAsync("the answer and the end", m => m.Is("result"), m => m.Is("completed"));
        answered[0].GetProperty("requestId").GetString().Should().Be("c-1");
        answered[1].GetProperty("summary").GetProperty("state").GetString().Should().Be("cancelled");
        (await socket.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.Normal);
        (await host.Client.PostAsync($"api/admin/cancel-ingestion/{running}", null)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Reconnecting_AfterTheCompletedEvent_GetsTheSnapshotAndAnImmediateClose()
    {
        await using var host = await WebSocketHost.StartAsync();
        var jobId = await host.StartJobAsync(new { items = 2 });
        await using (var first = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}"))
        {
            (await first.ReadToCloseAsync().OrTimeout()).Should().Be(IngestionWebSocketCloseCodes.Normal);
            first.Received[^1].Type().Should().Be("completed");
            var lastSeq = first.Received.Max(m => m.Seq());

            await using var again = await ProgressSocket.ConnectAsync(host, $"?jobId={jobId}&since={lastSeq}");
            var close = again.ReadToCloseAsync();
            (await close.OrTimeout(TimeSpan.FromSeconds(3))).Should().Be(IngestionWebSocketCloseCodes.Normal, "nothing more will come, and the client has it all");
            again.Received.Select(m => m.Type()).Should().Equal("snapshot");
        }
    }

    /// <summary>An in-memory store whose write of a job's final record waits until the test lets it go.</summary>
    private sealed class GatedStore
    {
        public GatedStore() => Store.BeforeSave = async (job, cancellationToken) =>
        {
            if (job.State.IsFinal())
            {
                FinalSaveStarted.TrySetResult();
                await ReleaseFinalSave.Task.WaitAsync(cancellationToken);
            }
        };

        public MemoryJobStore Store { get; } = new();

        public TaskCompletionSource FinalSaveStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseFinalSave { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
