using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace Ingestion.Orleans.Tests;

/// <summary>
/// Three silos as processes (tests/Ingestion.Orleans.TestHost) on a real redis-server (membership and events) and a real
/// PostgreSQL (the jobs and the records).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AJobStartedThroughA_IsPausedThroughB_AndResumedThroughC_WhileAClientOfC_GetsEveryEventInOrder()
    {
        var expected = fixture.Dataset.GetModel(ClusterFixture.ModelFolder);
        var silos = await fixture.StartClusterAsync(await fixture.CreateDatabaseAsync(), "A", "B", "C");
        var (a, b, c) = (silos[0], silos[1], silos[2]);
        await WithSilosAsync(silos, async () =>
        {
            // A SignalR client of B watches every job: it gets this one's events too, wherever it runs.
            var hubStates = new System.Collections.Concurrent.ConcurrentQueue<(string JobId, string State)>();
            await using var hub = new HubConnectionBuilder().WithUrl(new Uri(b.BaseAddress, "hubs/ingestion")).Build();
            hub.On<JsonElement>("OnState", e => hubStates.Enqueue((e.GetProperty("jobId").GetString()!, e.GetProperty("state").GetString()!)));
            await hub.StartAsync();
            await hub.InvokeAsync<JsonElement>("SubscribeAll");

            var jobId = await a.StartJobAsync(fixture.Parameters(delayMs: 100), ClusterFixture.ModelFolder);
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://{c.BaseAddress.Authority}/api/admin/ingestion-progress?jobId={jobId}"), CancellationToken.None);
            var received = ReceiveAllAsync(socket);

            await c.WaitForJobAsync(jobId, j => Processed(j) >= 5, "five puzzles are done, seen through C");
            var paused = await b.CommandAsync("pause", jobId);
            paused.GetProperty("status").GetString().Should().Be("applied");
            var atPause = await c.WaitForJobAsync(jobId, j => State(j) == "paused", "the job is paused, seen through C");
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Processed(await a.GetJobAsync(jobId)).Should().Be(Processed(atPause), "a paused job processes nothing, on whichever silo it runs");

            (await c.CommandAsync("resume", jobId)).GetProperty("state").GetString().Should().Be("running");
            var done = await b.WaitForJobAsync(jobId, j => State(j) == "completed", "the job completes");

            Processed(done).Should().Be(expected.Puzzles);
            done.GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(expected.Succeeded);
            silos.Count(s => s.RunCountOf(jobId) > 0).Should().Be(1, "one silo ran it, start and resume alike");

            var messages = await received.WaitAsync(TimeSpan.FromSeconds(30));
            var seqs = messages.Select(m => m.GetProperty("seq").GetInt64()).ToArray();
            seqs.Skip(1).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("after the snapshot, in seq order, none twice");
            var states = messages.Where(m => Type(m) == "state").Select(m => m.GetProperty("state").GetString()).ToArray();
            states.Should().ContainInOrder("pausing", "paused", "running", "completed");
            messages.Last().GetProperty("type").GetString().Should().Be("completed");
            await Wait.UntilAsync(() => hubStates.Any(s => s == (jobId, "completed")), "B's SignalR client sees the job complete");
            hubStates.Where(s => s.JobId == jobId).Select(s => s.State).Should().ContainInOrder("pausing", "paused", "running", "completed");

            // Every event but progress samples (superseded ones are dropped by design) reached C's client: the same
            // seqs as the journal of the silo that ran the job.
            var journal = await ReplayAsync(a, jobId);
            var kept = journal.Where(m => Type(m) is not "progress" and not "snapshot").Select(m => m.GetProperty("seq").GetInt64()).ToArray();
            messages.Where(m => Type(m) is not "progress" and not "snapshot").Select(m => m.GetProperty("seq").GetInt64())
                .Should().Equal(kept, "C's client got every state change, log line and the completion");
            messages.Count(m => Type(m) == "log").Should().BeGreaterThanOrEqualTo(expected.Puzzles, "a log line per puzzle");

            // A replay with since from every host, whichever runs the job: the journal's entries after that seq.
            var since = kept.ElementAt(10);
            foreach (var silo in silos)
            {
                var replay = await ReplayAsync(silo, jobId, since);
                replay.Where(m => Type(m) is not "progress" and not "snapshot").Select(m => m.GetProperty("seq").GetInt64())
                    .Should().Equal(kept.Where(seq => seq > since), "since={0} through silo {1}", since, silo.Name);
            }
        });
    }

    [Fact]
    public async Task TheSiloRunningAJob_KilledWithSigkill_TheJobFinishesOnAnotherSilo_WithTheTableOfAnUninterruptedRun()
    {
        var expected = fixture.Dataset.GetModel(ClusterFixture.ModelFolder);
        var reference = await UninterruptedTableAsync();
        var database = await fixture.CreateDatabaseAsync();
        var silos = await fixture.StartClusterAsync(database, "A", "B", "C");
        await WithSilosAsync(silos, async () =>
        {
            var jobId = await silos[0].StartJobAsync(fixture.Parameters(delayMs: 150), ClusterFixture.ModelFolder);
            await Wait.UntilAsync(() => silos.Any(s => s.RunCountOf(jobId) == 1), "a silo says it runs the job");
            var runner = silos.Single(s => s.RunCountOf(jobId) == 1);
            var others = silos.Where(s => s != runner).ToArray();
            await others[0].WaitForJobAsync(jobId, j => Processed(j) >= 12, "twelve puzzles are done");

            runner.Kill();

            // Orleans declares the silo dead; a supervisor's call activates the job's grain on a survivor, which takes
            // the job over from its checkpoint.
            await Wait.UntilAsync(() => others.Any(s => s.RunCountOf(jobId) == 1), "another silo takes the job over", TimeSpan.FromSeconds(60));
            var done = await others[1].WaitForJobAsync(jobId, j => State(j) == "completed", "the job completes on the survivor");

            Processed(done).Should().Be(expected.Puzzles);
            done.GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(expected.Succeeded);
            done.GetProperty("progress").GetProperty("failed").GetInt64().Should().Be(expected.Failed);
            done.GetProperty("runCount").GetInt32().Should().Be(2);
            others.Sum(s => s.RunCountOf(jobId)).Should().Be(1, "exactly one survivor took it over");
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            (await Ingestion.TestUtilities.CrashResumeTests.ReadExplanationsAsync(connection)).Should().Equal(reference, "nothing lost, nothing duplicated, nothing different");
        });
    }

    [Fact]
    public async Task Redis_StoppedMidRun_TheJobGoesOnAndIsControlled_ThenWithItsDataBack_TheEventsCatchUpAndANewSiloJoinsTheSameCluster()
    {
        var expected = fixture.Dataset.GetModel(ClusterFixture.ModelFolder);
        var database = await fixture.CreateDatabaseAsync();
        var cluster = "c" + Guid.NewGuid().ToString("N")[..10];
        var silos = (await Task.WhenAll(((string[])["A", "B", "C"]).Select(name =>
            SiloProcess.StartAsync(name, cluster, fixture.Redis.Endpoint, database, fixture.DatasetFolder, fixture.PuzzlesFolder)))).ToList();
        var (a, b, c) = (silos[0], silos[1], silos[2]);
        await WithSilosAsync(silos, async () =>
        {
            var jobId = await a.StartJobAsync(fixture.Parameters(delayMs: 250), ClusterFixture.ModelFolder);
            await Wait.UntilAsync(() => silos.Any(s => s.RunCountOf(jobId) > 0), "a silo says it runs the job");
            var runner = silos.Single(s => s.RunCountOf(jobId) > 0);
            var watcher = silos.First(s => s != runner);
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://{watcher.BaseAddress.Authority}/api/admin/ingestion-progress?jobId={jobId}"), CancellationToken.None);
            var received = ReceiveAllAsync(socket);
            await runner.WaitForJobAsync(jobId, j => Processed(j) >= 4, "four puzzles are done");

            await fixture.Redis.StopAsync();

            // Degraded, and says so: the job goes on and takes commands through any silo; the other hosts miss its events.
            await Wait.UntilAsync(() => silos.All(s => s.Output.Contains("The events Redis at", StringComparison.Ordinal)), "every silo says the events Redis is gone");
            var before = Processed(await runner.GetJobAsync(jobId));
            await runner.WaitForJobAsync(jobId, j => Processed(j) > before + 2, "the job goes on without Redis");
            (await b.CommandAsync("pause", jobId)).GetProperty("status").GetString().Should().Be("applied");
            await c.WaitForJobAsync(jobId, j => State(j) == "paused", "paused through B, seen through C, without Redis");
            (await c.CommandAsync("resume", jobId)).GetProperty("state").GetString().Should().Be("running");

            await fixture.Redis.StartAgainAsync();

            // Back with its data (append-only file): a new silo joins the same cluster, not a second one, and its
            // commands reach the one silo that runs the job.
            var d = await SiloProcess.StartAsync("D", cluster, fixture.Redis.Endpoint, database, fixture.DatasetFolder, fixture.PuzzlesFolder);
            silos.Add(d);
            (await d.CommandAsync("pause", jobId)).GetProperty("status").GetString().Should().Be("applied");
            await runner.WaitForJobAsync(jobId, j => State(j) == "paused", "paused through the new silo");
            (await d.CommandAsync("resume", jobId)).GetProperty("state").GetString().Should().Be("running");
            var done = await d.WaitForJobAsync(jobId, j => State(j) == "completed", "the job completes");

            Processed(done).Should().Be(expected.Puzzles);
            done.GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(expected.Succeeded);
            silos.Count(s => s.RunCountOf(jobId) > 0).Should().Be(1, "one silo ran it all along");

            // The watcher's client missed the events of the outage while it lasted; once Redis was back its host fetched
            // them from the job's journal, so in the end it has every state change and log line, in order.
            var messages = await received.WaitAsync(TimeSpan.FromSeconds(30));
            messages.Last().GetProperty("type").GetString().Should().Be("completed");
            var journal = await ReplayAsync(runner, jobId);
            messages.Where(m => Type(m) is not "progress" and not "snapshot").Select(m => m.GetProperty("seq").GetInt64())
                .Should().Equal(journal.Where(m => Type(m) is not "progress" and not "snapshot").Select(m => m.GetProperty("seq").GetInt64()));
            messages.Where(m => Type(m) == "state").Select(m => m.GetProperty("state").GetString()).Should().ContainInOrder("pausing", "paused", "running", "pausing", "paused", "running", "completed");
        });
    }

    private async Task<IReadOnlyList<string>> UninterruptedTableAsync()
    {
        var database = await fixture.CreateDatabaseAsync();
        await using (var host = await StorageTestHost.StartAsync("postgresql", database, fixture.DatasetFolder, fixture.PuzzlesFolder))
        {
            var id = await host.StartIngestionAsync(fixture.Parameters(delayMs: 0));
            await host.WaitForJobAsync(id, static j => State(j) == "completed", "the uninterrupted run completes");
        }

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        return await Ingestion.TestUtilities.CrashResumeTests.ReadExplanationsAsync(connection);
    }

    private static async Task<List<JsonElement>> ReplayAsync(SiloProcess silo, string jobId, long since = 0)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{silo.BaseAddress.Authority}/api/admin/ingestion-progress?jobId={jobId}&since={since}"), CancellationToken.None);
        return await ReceiveAllAsync(socket);
    }

    /// <summary>Every message until the server closes the socket (1000 after the job's completion).</summary>
    private static async Task<List<JsonElement>> ReceiveAllAsync(ClientWebSocket socket)
    {
        var messages = new List<JsonElement>();
        var buffer = new byte[256 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return messages;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                messages.Add(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
                message.SetLength(0);
            }
        }
    }

    /// <summary>Runs the test's body; a failure says what every silo printed; the silos (those added meanwhile too) stop at the end.</summary>
    private static async Task WithSilosAsync(IReadOnlyCollection<SiloProcess> silos, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException(ex.Message + Outputs(silos), ex);
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    private static string Outputs(IEnumerable<SiloProcess> silos) =>
        string.Concat(silos.Select(s => $"\n--- silo {s.Name} ---\n{s.Output}"));

    private static string Type(JsonElement message) => message.GetProperty("type").GetString()!;

    private static string State(JsonElement job) => job.GetProperty("state").GetString()!;

    private static long Processed(JsonElement job) => job.GetProperty("progress").GetProperty("processed").GetInt64();
}
