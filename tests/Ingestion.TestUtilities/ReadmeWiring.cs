using Ingestion.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ingestion.TestUtilities;

/// <summary>The jobs and parameters the packages' READMEs name (<c>MyJob</c>, <c>MyParameters</c>), and a look at what a README's wiring mapped.</summary>
public static class ReadmeWiring
{
    /// <summary>Every endpoint the application mapped, with the authorization policies each requires.</summary>
    /// <param name="app">The built application.</param>
    /// <returns>Route patterns (or display names) and their policies.</returns>
    public static IReadOnlyList<(string Route, string?[] Policies)> Endpoints(WebApplication app) =>
        [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).Select(e =>
            ((e as RouteEndpoint)?.RoutePattern.RawText ?? e.DisplayName ?? "", e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToArray()))];
}

/// <summary>The job a README registers as <c>MyJob</c>: it counts its items.</summary>
public sealed class MyJob : IJob
{
    /// <inheritdoc />
    public Task ExecuteAsync(JobContext context, CancellationToken cancellationToken) =>
        context.ForEachAsync(Enumerable.Range(0, context.GetParameters<MyParameters>().Items), (_, _) => ValueTask.FromResult(ItemOutcome.Succeeded));
}

/// <summary>The parameters of <see cref="MyJob"/>.</summary>
public sealed class MyParameters
{
    /// <summary>Gets or sets how many items the job counts.</summary>
    public int Items { get; set; } = 10;
}
