using Ingestion.AspNetCore;
using Ingestion.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Ingestion.Core control endpoints.</summary>
public static class IngestionEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {prefix}/start-ingestion</c>, <c>POST {prefix}/pause-ingestion/{jobId}</c>, <c>…/resume-ingestion/{jobId}</c>,
    /// <c>…/cancel-ingestion/{jobId}</c>, <c>GET {prefix}/ingestion-jobs</c>, <c>GET {prefix}/ingestion-jobs/{jobId}</c> and
    /// <c>GET {prefix}/ingestion-history</c> (docs/protocol.md), all behind the policy of <see cref="IngestionEndpointOptions"/>.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The route prefix. Default: <c>/api/admin</c>, the original system's.</param>
    /// <returns>The route group, for further conventions.</returns>
    /// <exception cref="InvalidOperationException">
    /// <c>AddIngestion()</c> was not called, or neither an authorization policy nor anonymous access was configured.
    /// </exception>
    public static RouteGroupBuilder MapIngestionEndpoints(this IEndpointRouteBuilder endpoints, string prefix = "/api/admin")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (endpoints.ServiceProvider.GetService(typeof(IJobManager)) is null)
        {
            throw new InvalidOperationException("The ingestion endpoints need the job manager: call services.AddIngestion() first.");
        }

        endpoints.EnsureIngestionAuthorizationConfigured();
        var normalized = "/" + prefix.Trim('/');
        var group = endpoints.MapGroup(normalized).RequireIngestionAuthorization();
        group.MapPost("/start-ingestion", (Func<HttpContext, Task<IResult>>)(http => IngestionEndpoints.StartAsync(http, normalized)));
        group.MapPost("/pause-ingestion/{jobId}", (HttpContext http, string jobId) => IngestionEndpoints.CommandAsync(http, jobId, static (m, id, ct) => m.PauseAsync(id, ct)));
        group.MapPost("/resume-ingestion/{jobId}", (HttpContext http, string jobId) => IngestionEndpoints.CommandAsync(http, jobId, static (m, id, ct) => m.ResumeAsync(id, ct)));
        group.MapPost("/cancel-ingestion/{jobId}", (HttpContext http, string jobId) => IngestionEndpoints.CommandAsync(http, jobId, static (m, id, ct) => m.CancelAsync(id, ct)));
        group.MapGet("/ingestion-jobs", (Func<HttpContext, Task<IResult>>)IngestionEndpoints.ListLiveAsync);
        group.MapGet("/ingestion-jobs/{jobId}", (HttpContext http, string jobId) => IngestionEndpoints.GetAsync(http, jobId));
        group.MapGet("/ingestion-history", (Func<HttpContext, Task<IResult>>)IngestionEndpoints.HistoryAsync);
        return group;
    }
}
