namespace Ingestion.Core;

/// <summary>The body of a job given as a delegate (see <see cref="IJobManager.StartAsync(JobBody, JobStartOptions?, CancellationToken)"/>).</summary>
/// <param name="context">The job's context: pause token, progress, logger, checkpoint.</param>
/// <param name="cancellationToken">Cancelled when the job is cancelled or the host stops; the same as <see cref="JobContext.CancellationToken"/>.</param>
/// <returns>A task that completes when the body is done.</returns>
public delegate Task JobBody(JobContext context, CancellationToken cancellationToken);
