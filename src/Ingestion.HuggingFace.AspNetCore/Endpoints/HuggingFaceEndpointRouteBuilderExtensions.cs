using Ingestion.AspNetCore;
using Ingestion.HuggingFace.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the HuggingFace ingestion's endpoints beside the control endpoints.</summary>
public static class HuggingFaceEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {prefix}/validate-ingestion</c> (the pre-flight check of a job's parameters, the same JSON body as
    /// <c>start-ingestion</c>) and <c>GET {prefix}/hf-folders?dataset=&amp;revision=&amp;hubUrl=&amp;localPath=</c> (a
    /// dataset's model folders with how many attempts of each are already ingested), behind the same authorization
    /// policy as <c>MapIngestionEndpoints</c>.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The route prefix. Default: <c>/api/admin</c>.</param>
    /// <returns>The route group, for further conventions.</returns>
    /// <exception cref="InvalidOperationException">
    /// <c>AddHuggingFaceIngestion()</c> was not called, or neither an authorization policy nor anonymous access was configured.
    /// </exception>
    public static RouteGroupBuilder MapHuggingFaceEndpoints(this IEndpointRouteBuilder endpoints, string prefix = "/api/admin")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (endpoints.ServiceProvider.GetService(typeof(Ingestion.HuggingFace.HuggingFaceIngestionService)) is null)
        {
            throw new InvalidOperationException("The HuggingFace endpoints need the ingestion job: call services.AddIngestion().AddHuggingFaceIngestion() first.");
        }

        endpoints.EnsureIngestionAuthorizationConfigured();
        var group = endpoints.MapGroup("/" + prefix.Trim('/')).RequireIngestionAuthorization();
        group.MapPost("/validate-ingestion", (Func<HttpContext, Task<IResult>>)HuggingFaceEndpoints.ValidateAsync);
        group.MapGet("/hf-folders", (Func<HttpContext, Task<IResult>>)HuggingFaceEndpoints.FoldersAsync);
        return group;
    }
}
