namespace Ingestion.Core.Tests.Jobs;

/// <summary>Every command in every state: what it does, and that a refusal is typed and changes nothing.</summary>
public class JobManagerTransitionTests
{
    public enum Command
    {
        Pause,
        Resume,
        Cancel,
    }

    public static TheoryData<JobState, Command, JobCommandStatus, JobState> Transitions => new()
    {
        { JobState.Queued, Command.Pause, JobCommandStatus.InvalidTransition, JobState.Queued },
        { JobState.Queued, Command.Resume, JobCommandStatus.InvalidTransition, JobState.Queued },
        { JobState.Queued, Command.Cancel, JobCommandStatus.Applied, JobState.Cancelled },
        { JobState.Running, Command.Pause, JobCommandStatus.Applied, JobState.Pausing },
        { JobState.Running, Command.Resume, JobCommandStatus.Unchanged, JobState.Running },
        { JobState.Running, Command.Cancel, JobCommandStatus.Applied, JobState.Running },
        { JobState.Pausing, Command.Pause, JobCommandStatus.Unchanged, JobState.Pausing },
        { JobState.Pausing, Command.Resume, JobCommandStatus.Applied, JobState.Running },
        { JobState.Pausing, Command.Cancel, JobCommandStatus.Applied, JobState.Pausing },
        { JobState.Paused, Command.Pause, JobCommandStatus.Unchanged, JobState.Paused },
        { JobState.Paused, Command.Resume, JobCommandStatus.Applied, JobState.Running },
        { JobState.Paused, Command.Cancel, JobCommandStatus.Applied, JobState.Paused },
        { JobState.Completed, Command.Pause, JobCommandStatus.InvalidTransition, JobState.Completed },
        { JobState.Completed, Command.Resume, JobCommandStatus.InvalidTransition, JobState.Completed },
        { JobState.Completed, Command.Cancel, JobCommandStatus.InvalidTransition, JobState.Completed },
        { JobState.Cancelled, Command.Pause, JobCommandStatus.InvalidTransition, JobState.Cancelled },
        { JobState.Cancelled, Command.Resume, JobCommandStatus.InvalidTransition, JobState.Cancelled },
        { JobState.Cancelled, Command.Cancel, JobCommandStatus.InvalidTransition, JobState.Cancelled },
        { JobState.Failed, Command.Pause, JobCommandStatus.InvalidTransition, JobState.Failed },
        { JobState.Failed, Command.Resume, JobCommandStatus.InvalidTransition, JobState.Failed },
        { JobState.Failed, Command.Cancel, JobCommandStatus.InvalidTransition, JobState.Failed },
        { JobState.Interrupted, Command.Pause, JobCommandStatus.InvalidTransition, JobState.Interrupted },
        { JobState.Interrupted, Command.Resume, JobCommandStatus.Applied, JobState.Running },
        { JobState.Interrupted, Command.Cancel, JobCommandStatus.Applied, JobState.Cancelled },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public async Task Command_InEachState_HasItsDocumentedOutcome(JobState from, Command command, JobCommandStatus expectedStatus, JobState expectedState)
    {
        await using var scenario = await Scenario.InStateAsync(from);

        var result = command switch
        {
            Command.Pause => await scenario.Manager.PauseAsync(scenario.JobId),
            Command.Resume => await scenario.Manager.ResumeAsync(scenario.JobId),
            _ => await scenario.Manager.CancelAsync(scenario.JobId),
        };

        result.Status.Should().Be(expectedStatus, result.Message);
        result.JobId.Should().Be(scenario.JobId);
        result.State.Should().Be(expectedState);
        result.Message.Should().NotBeNullOrWhiteSpace();
        result.Succeeded.Should().Be(expectedStatus is JobCommandStatus.Applied or JobCommandStatus.Unchanged);
        if (expectedStatus == JobCommandStatus.InvalidTransition)
        {
            (await scenario.Manager.GetAsync(scenario.JobId))!.State.Should().Be(from, "a refused command changes nothing");
        }
    }

    [Fact]
    public async Task Commands_OnAnUnknownId_SayNotFound()
    {
        await using var fixture = new ManagerFixture();
        const string unknown = "00000000000000000000000000000000";

        foreach (var result in new[]
        {
            await fixture.Manager.PauseAsync(unknown),
            await fixture.Manager.ResumeAsync(unknown),
            await fixture.Manager.CancelAsync(unknown),
        })
        {
            result.Status.Should().Be(JobCommandStatus.NotFound);
            result.Job.Should().BeNull();
            result.State.Should().BeNull();
            result.Message.Should().Contain(unknown);
        }

        (await fixture.Manager.GetAsync(unknown)).Should().BeNull();
        var watch = async () =>
        {
            await foreach (var _ in fixture.Manager.WatchAsync(unknown))
            {
            }
        };
        (await watch.Should().ThrowAsync<JobNotFoundException>()).Which.JobId.Should().Be(unknown);
    }

    [Fact]
    public async Task Resume_OfAnInterruptedDelegateJob_IsRefused_BecauseItsBodyIsGone()
    {
        var store = new InMemoryJobStore();
        await using (var first = new ManagerFixture(o => o.ShutdownGracePeriod = TimeSpan.FromSeconds(5), store: store))
        {
            var job = await first.Manager.StartAsync(async (context, ct) => await Task.Delay(Timeout.Infinite, ct));
            await first.Sink.WaitForStateAsync(job.Id, JobState.Running);
            await first.Manager.ShutdownAsync();

            await using var second = new ManagerFixture(store: store);
            var resume = await second.Manager.ResumeAsync(job.Id);

            resume.Status.Should().Be(JobCommandStatus.InvalidTransition);
            resume.State.Should().Be(JobState.Interrupted);
            resume.Message.Should().Contain("delegate");
        }
    }

    /// <summary>A manager with one job brought into a given state.</summary>
    private sealed class Scenario : IAsyncDisposable
    {
        private readonly ManagerFixture _fixture;
        private readonly GatedBody? _body;

        private Scenario(ManagerFixture fixture, string jobId, GatedBody? body)
        {
            _fixture = fixture;
            JobId = jobId;
            _body = body;
        }

        public JobManager Manager => _fixture.Manager;

        public string JobId { get; }

        public static async Task<Scenario> InStateAsync(JobState state)
        {
            var store = new InMemoryJobStore();
            var registration = JobRegistration.Create("waits", async (context, ct) =>
            {
                await context.WaitIfPausedAsync();
                await Task.Delay(Timeout.Infinite, ct);
            });
            var fixture = new ManagerFixture(o => o.MaxConcurrentJobs = 1, store: store, jobs: [registration]);
            switch (state)
            {
                case JobState.Queued:
                {
                    var blocker = new GatedBody(items: 1);
                    await fixture.Manager.StartAsync(blocker.Body);
                    var queued = await fixture.Manager.StartAsync(new GatedBody(items: 1).Body);
                    return new Scenario(fixture, queued.Id, blocker);
                }

                case JobState.Running or JobState.Pausing or JobState.Paused:
                {
                    var body = new GatedBody(items: 2);
                    var job = await fixture.Manager.StartAsync(body.Body);
                    await body.WaitUntilStartedAsync(1);
                    if (state != JobState.Running)
                    {
                        await fixture.Manager.PauseAsync(job.Id);
                    }

                    if (state == JobState.Paused)
                    {
                        body.Release();
                        await fixture.Sink.WaitForStateAsync(job.Id, JobState.Paused);
                    }

                    return new Scenario(fixture, job.Id, body);
                }

                case JobState.Completed or JobState.Cancelled or JobState.Failed:
                {
                    var body = new GatedBody(items: 1);
                    var job = await fixture.Manager.StartAsync(state == JobState.Failed ? (_, _) => throw new InvalidOperationException("boom") : body.Body);
                    if (state == JobState.Cancelled)
                    {
                        await body.WaitUntilStartedAsync(1);
                        await fixture.Manager.CancelAsync(job.Id);
                    }

                    body.Release();
                    (await fixture.Manager.WaitForCompletionAsync(job.Id).OrTimeout()).State.Should().Be(state);
                    return new Scenario(fixture, job.Id, body);
                }

                default:
                {
                    // Interrupted: started under a registered kind on a manager that then shut down; the test's
                    // manager shares its store, as a restarted host would.
                    var previous = new JobManager(new IngestionOptions { ShutdownGracePeriod = TimeSpan.Zero }, store: store, jobs: [registration]);
                    var job = await previous.StartAsync("waits");
                    await Wait.UntilAsync(async () => (await previous.GetAsync(job.Id))!.State == JobState.Running, "the job runs");
                    await previous.ShutdownAsync();
                    (await store.GetAsync(job.Id, CancellationToken.None))!.State.Should().Be(JobState.Interrupted);
                    return new Scenario(fixture, job.Id, body: null);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _body?.Release(10);
            await _fixture.DisposeAsync();
        }
    }
}
