using Ingestion.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingestion.Orleans;

/// <summary>
/// On every silo, every <see cref="OrleansIngestionOptions.SupervisorInterval"/>: asks the grain of each job the store
/// has as live and this silo does not run to adopt it. The call goes to the job's activation; if its silo is alive,
/// that activation runs it and nothing happens. If its silo died, Orleans has no activation left and makes a new one,
/// here or elsewhere, which marks the job Interrupted and resumes it from its checkpoint. A job whose silo stopped
/// gracefully is Interrupted already, and is resumed the same way. Orleans' single activation is what keeps two silos
/// from both taking it.
/// </summary>
internal sealed partial class JobSupervisor(IServiceProvider services, JobManager local, IOptions<OrleansIngestionOptions> options, ILogger<JobSupervisor> logger)
    : BackgroundService
{
    // Live jobs (their silo may have died) and interrupted ones (their silo stopped); not those interrupted by an error
    // (a store that went away), which wait for someone to resume them.
    private static readonly JobState[] States = [.. JobManager.LiveStates, JobState.Interrupted];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved once the host runs: in a silo host, resolving Orleans' grain factory before the silo has started blocks.
        var grains = services.GetRequiredService<IGrainFactory>();
        using var timer = new PeriodicTimer(options.Value.SupervisorInterval);
        do
        {
            try
            {
                await SuperviseAsync(grains, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The store or the cluster is not answering: next round.
                Log.RoundFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    internal async Task SuperviseAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        var page = await local.Store.QueryAsync(new JobHistoryQuery { States = States, Limit = JobHistoryQuery.MaxLimit }, cancellationToken).ConfigureAwait(false);
        foreach (var job in page.Items)
        {
            if (local.FindRun(job.Id) is not null || job is { State: JobState.Interrupted, Error: not null })
            {
                continue;
            }

            try
            {
                await grains.GetGrain<IJobGrain>(job.Id).AdoptAsync(options.Value.ResumeOrphanedJobs).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Its silo died a moment ago and Orleans does not know yet: the call is rejected; next round.
                Log.AdoptFailed(logger, job.Id, ex.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "The job supervisor's round failed: {Reason}")]
        public static partial void RoundFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 21, Level = LogLevel.Debug, Message = "Job {JobId} could not be checked this round: {Reason}")]
        public static partial void AdoptFailed(ILogger logger, string jobId, string reason);
    }
}
