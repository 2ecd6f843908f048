using Microsoft.Extensions.Time.Testing;

namespace Ingestion.Core.Tests;

/// <summary>A job manager with a collecting sink, shut down at the end of the test.</summary>
internal sealed class ManagerFixture : IAsyncDisposable
{
    private readonly TimeProvider? _time;

    public ManagerFixture(Action<IngestionOptions>? configure = null, TimeProvider? time = null, IJobStore? store = null, IEnumerable<JobRegistration>? jobs = null, params IProgressSink[] extraSinks)
    {
        _time = time;
        Logs = new CapturingLoggerProvider();
        var options = new IngestionOptions();
        configure?.Invoke(options);
        Store = store ?? new InMemoryJobStore();
        Manager = new JobManager(options, [Sink, .. extraSinks], Store, jobs, Logs, time);
    }

    public CollectingSink Sink { get; } = new();

    /// <summary>Every line the manager and its jobs logged.</summary>
    public CapturingLoggerProvider Logs { get; }

    public JobManager Manager { get; }

    public IJobStore Store { get; }

    public static ManagerFixture WithFakeTime(out FakeTimeProvider time, Action<IngestionOptions>? configure = null)
    {
        time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        return new ManagerFixture(configure, time);
    }

    public async Task<JobSnapshot> StateOf(string jobId) => (await Manager.GetAsync(jobId))!;

    public async ValueTask DisposeAsync()
    {
        var shutdown = Manager.ShutdownAsync();

        // On a fake clock the grace period only passes when the test moves the clock: move it, so that a test that
        // failed with a body still inside an item ends instead of hanging.
        for (var i = 0; i < 100 && !shutdown.IsCompleted && _time is FakeTimeProvider fake; i++)
        {
            await Task.Delay(10);
            fake.Advance(TimeSpan.FromSeconds(1));
        }

        await shutdown;
    }
}
