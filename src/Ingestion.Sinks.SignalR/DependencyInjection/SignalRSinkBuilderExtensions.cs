using Ingestion.Core;
using Ingestion.Sinks.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the ingestion hub's sink.</summary>
public static class SignalRSinkBuilderExtensions
{
    /// <summary>
    /// Adds SignalR (if the host has not) and the sink behind <c>app.MapIngestionHub()</c>: every job event goes to the
    /// job's group and the all-jobs group. For several hosts, add the Redis backplane to SignalR as usual
    /// (<c>services.AddSignalR().AddStackExchangeRedis(…)</c>).
    /// </summary>
    /// <param name="builder">The ingestion builder.</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder AddSignalRSink(this IIngestionBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSignalR();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IProgressSink, SignalRSink>());
        return builder;
    }
}
