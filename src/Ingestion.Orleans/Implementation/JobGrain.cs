// Grain code stays on the grain's scheduler: no ConfigureAwait(false) here (Orleans' rule for grains).
#pragma warning disable CA2007

using System.Text.Json;
using Ingestion.Core;
using Microsoft.Extensions.Logging;

namespace Ingestion.Orleans;

/// <summary>
/// The job's one activation in the cluster: it runs the job in this silo's local <see cref="JobManager"/> and answers
/// every command for it. While the job is live here, a timer keeps the activation from being collected as idle; if
/// Orleans deactivates it anyway, the job is interrupted here before the activation goes, so that a new one elsewhere
/// does not find the body still running. When the job has ended, the activation lets go.
/// </summary>
internal sealed partial class JobGrain(JobManager local, ILogger<JobGrain> logger) : Grain, IJobGrain
{
    private static readonly TimeSpan KeepAliveCheck = TimeSpan.FromSeconds(5);
    private IGrainTimer? _keepAlive;

    private string JobId => this.GetPrimaryKeyString();

    /// <summary>An activation made here while the job runs here (Orleans dropped the previous one): keep it too.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (local.FindRun(JobId) is { } run && run.State.IsLive())
        {
            Runs(run.Kind);
        }

        return base.OnActivateAsync(cancellationToken);
    }

    /// <summary>
    /// The activation goes while the job still runs here (Orleans deactivates grains for its own reasons too: a
    /// directory partition moving when another silo stops, say). Once it is gone another silo may take the job over,
    /// so the body must stop first: the job is interrupted here, at its next check, and the supervisors resume it.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (local.FindRun(JobId) is { } run && run.State.IsLive())
        {
            Log.Deactivated(logger, JobId, reason.Description);
            await local.InterruptAsync(JobId);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<string> StartAsync(string kind, string parameters, string? name)
    {
        using var document = JsonDocument.Parse(parameters);
        try
        {
            var job = await local.StartAsync(JobId, kind, document.RootElement.Clone(), new JobStartOptions { Name = name }, CancellationToken.None);
            Runs(job.Kind);
            return ClusterJson.Write(new StartAnswer(job, null));
        }
        catch (JobStartException ex)
        {
            return ClusterJson.Write(new StartAnswer(null, StartRefusal.From(ex)));
        }
    }

    public async Task<string> CommandAsync(string command)
    {
        // A job the store has as live but this silo does not run: its silo is gone (Orleans activated the grain here
        // because no activation was left). Resume and cancel take it over first; pause is refused as for any job that
        // is not running.
        if (command is "resume" or "cancel" && local.FindRun(JobId) is null)
        {
            await local.AdoptAsync(JobId, CancellationToken.None);
        }

        var result = command switch
        {
            "pause" => await local.PauseAsync(JobId),
            "resume" => await local.ResumeAsync(JobId),
            "cancel" => await local.CancelAsync(JobId),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "pause, resume or cancel"),
        };
        if (command == "resume" && result.Status == JobCommandStatus.Applied && result.Job is { } job)
        {
            Runs(job.Kind);
        }

        return ClusterJson.Write(CommandAnswer.From(result));
    }

    public async Task<string?> GetAsync() =>
        await local.GetAsync(JobId) is { } job ? ClusterJson.Write(job) : null;

    public async Task<string?> ReplayAsync(long? since) =>
        await local.ReplayAsync(JobId, since) is { } replay ? ClusterJson.Write(ReplayAnswer.From(replay)) : null;

    public async Task<string> AdoptAsync(bool resume)
    {
        if (local.FindRun(JobId) is { } run && run.State.IsLive())
        {
            return "running here";
        }

        var before = await local.GetAsync(JobId);
        var adopted = await local.AdoptAsync(JobId, CancellationToken.None);
        if (adopted is not { State: JobState.Interrupted })
        {
            return adopted is null ? "unknown" : "ended";
        }

        if (before is { State: var state } && state.IsLive())
        {
            Log.Adopted(logger, JobId, RuntimeIdentity);
        }

        if (!resume)
        {
            return "interrupted";
        }

        var result = await local.ResumeAsync(JobId);
        if (result.Status == JobCommandStatus.Applied)
        {
            Runs(adopted.Kind);
        }

        return result.Message;
    }

    /// <summary>The job runs here now: say so, and keep this activation until it has ended.</summary>
    private void Runs(string kind)
    {
        Log.Runs(logger, JobId, kind, RuntimeIdentity);
        _keepAlive ??= this.RegisterGrainTimer(CheckAsync, new GrainTimerCreationOptions(KeepAliveCheck, KeepAliveCheck) { KeepAlive = true });
    }

    private Task CheckAsync(CancellationToken cancellationToken)
    {
        if (local.FindRun(JobId) is not { } run || run.State.IsFinal())
        {
            _keepAlive?.Dispose();
            _keepAlive = null;
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) runs on silo {Silo}")]
        public static partial void Runs(ILogger logger, string jobId, string kind, string silo);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Job {JobId} was live in the store but no silo ran it (its silo is gone): taken over by silo {Silo}")]
        public static partial void Adopted(ILogger logger, string jobId, string silo);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The grain of job {JobId} is deactivated while the job runs here ({Reason}): the job is interrupted here, and resumed by a supervisor")]
        public static partial void Deactivated(ILogger logger, string jobId, string reason);
    }
}
