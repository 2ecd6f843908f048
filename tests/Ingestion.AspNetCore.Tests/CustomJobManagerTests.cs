using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.AspNetCore.Tests;

/// <summary>
/// An <see cref="IJobManager"/> of the host's own (here a decorator that refuses pause and resume) answers through the
/// endpoints exactly as the built-in one does, with <see cref="JobCommandResult"/>'s public factories.
/// </summary>
public sealed class CustomJobManagerTests
{
    [Fact]
    public async Task ADecoratingManager_RefusesAPause_WithA409_AndAnUnknownId_WithA404_LikeTheBuiltInOne()
    {
        await using var host = await EndpointsHost.StartAsync(
            ingestion =>
            {
                ingestion.ConfigureEndpoints(o => o.AllowAnonymous = true);
                ingestion.Services.AddSingleton<IJobManager>(sp => new NoPausing(sp.GetRequiredService<JobManager>()));
            });
        var jobId = (await (await host.Client.StartAsync(new { items = 100_000, delayMs = 5 })).JsonAsync()).GetProperty("jobId").GetString()!;

        var refused = await host.Client.PostAsync($"api/admin/pause-ingestion/{jobId}", null);
        var problem = await refused.JsonAsync();
        ((int)refused.StatusCode).Should().Be(409);
        problem.GetProperty("type").GetString().Should().Be(IngestionProblemTypes.InvalidTransition);
        problem.GetProperty("detail").GetString().Should().Be("Pausing is switched off on this host.");

        var unknown = await host.Client.PostAsync($"api/admin/pause-ingestion/{new string('0', 32)}", null);
        ((int)unknown.StatusCode).Should().Be(404);
        (await unknown.JsonAsync()).GetProperty("type").GetString().Should().Be(IngestionProblemTypes.JobNotFound);

        var cancel = await (await host.Client.PostAsync($"api/admin/cancel-ingestion/{jobId}", null)).JsonAsync();
        cancel.GetProperty("status").GetString().Should().Be("applied", "everything else goes to the built-in manager");
    }

    private sealed class NoPausing(IJobManager inner) : IJobManager
    {
        public ValueTask<JobSnapshot> StartAsync(string kind, JsonElement parameters, JobStartOptions? options = null, CancellationToken cancellationToken = default)
            => inner.StartAsync(kind, parameters, options, cancellationToken);

        public ValueTask<JobSnapshot> StartAsync(JobBody body, JobStartOptions? options = null, CancellationToken cancellationToken = default)
            => inner.StartAsync(body, options, cancellationToken);

        public ValueTask<JobCommandResult> PauseAsync(string jobId, CancellationToken cancellationToken = default) => RefuseAsync(jobId, "Pausing", cancellationToken);

        public ValueTask<JobCommandResult> ResumeAsync(string jobId, CancellationToken cancellationToken = default) => RefuseAsync(jobId, "Resuming", cancellationToken);

        public ValueTask<JobCommandResult> CancelAsync(string jobId, CancellationToken cancellationToken = default) => inner.CancelAsync(jobId, cancellationToken);

        public ValueTask<JobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken = default) => inner.GetAsync(jobId, cancellationToken);

        public ValueTask<IReadOnlyList<JobSnapshot>> ListLiveAsync(CancellationToken cancellationToken = default) => inner.ListLiveAsync(cancellationToken);

        public ValueTask<JobHistoryPage> GetHistoryAsync(JobHistoryQuery? query = null, CancellationToken cancellationToken = default) => inner.GetHistoryAsync(query, cancellationToken);

        public IAsyncEnumerable<JobEvent> WatchAsync(string jobId, long? since = null, CancellationToken cancellationToken = default) => inner.WatchAsync(jobId, since, cancellationToken);

        public ValueTask<JobReplay?> ReplayAsync(string jobId, long? since = null, CancellationToken cancellationToken = default) => inner.ReplayAsync(jobId, since, cancellationToken);

        public IAsyncEnumerable<JobEvent> WatchAllAsync(CancellationToken cancellationToken = default) => inner.WatchAllAsync(cancellationToken);

        private async ValueTask<JobCommandResult> RefuseAsync(string jobId, string what, CancellationToken cancellationToken)
            => await inner.GetAsync(jobId, cancellationToken) is { } job
                ? JobCommandResult.InvalidTransition(job, $"{what} is switched off on this host.")
                : JobCommandResult.NotFound(jobId);
    }
}
