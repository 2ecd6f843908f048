namespace Ingestion.Core;

/// <summary>
/// A kind of job that can be started by name (over HTTP, say) and resumed after a restart. Register it with
/// <c>services.AddIngestion().AddJob&lt;TJob&gt;("kind")</c>; one instance is created per run, in its own DI scope.
/// </summary>
public interface IJob
{
    /// <summary>Runs the job.</summary>
    /// <param name="context">The job's context: parameters, pause token, progress, logger, checkpoint.</param>
    /// <param name="cancellationToken">Cancelled when the job is cancelled or the host stops.</param>
    /// <returns>A task that completes when the job is done.</returns>
    Task ExecuteAsync(JobContext context, CancellationToken cancellationToken);
}
