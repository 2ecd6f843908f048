using FluentAssertions;
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

    /// <summary>Asserts that the application mapped these routes (among others) and that every endpoint it mapped requires the policy.</summary>
    /// <param name="app">The built application.</param>
    /// <param name="policy">The policy the README names.</param>
    /// <param name="routes">Route patterns that must be there.</param>
    public static void ShouldMapBehindPolicy(WebApplication app, string policy, params string[] routes)
    {
        var endpoints = Endpoints(app);
        endpoints.Select(e => e.Route).Should().Contain(routes);
        endpoints.Should().OnlyContain(e => e.Policies.Contains(policy), "every endpoint the README maps requires {0}", policy);
    }
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
