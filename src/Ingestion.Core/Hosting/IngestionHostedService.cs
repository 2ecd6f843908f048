using Microsoft.Extensions.Hosting;

namespace Ingestion.Core;

/// <summary>Ties the job manager to the host: recovers interrupted jobs at start, stops jobs gracefully at stop.</summary>
internal sealed class IngestionHostedService(JobManager manager) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => await manager.RecoverAsync(cancellationToken).ConfigureAwait(false);

    public Task StopAsync(CancellationToken cancellationToken) => manager.ShutdownAsync(cancellationToken);
}
