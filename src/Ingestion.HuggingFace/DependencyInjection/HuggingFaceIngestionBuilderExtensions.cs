using Ingestion.Core;
using Ingestion.HuggingFace;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the HuggingFace ingestion job.</summary>
public static class HuggingFaceIngestionBuilderExtensions
{
    /// <summary>
    /// Registers the HuggingFace ingestion job as kind <see cref="HuggingFaceIngestionJob.Kind"/> (startable by name, e.g.
    /// from <c>start-ingestion</c>), its <see cref="HuggingFaceIngestionService"/>, the Hub's <see cref="HttpClient"/>, and an
    /// in-memory <see cref="IExplanationRepository"/> unless one is already registered
    /// (the SQLite and PostgreSQL packages register theirs).
    /// </summary>
    /// <param name="builder">The ingestion builder.</param>
    /// <param name="configure">Sets the options: the task sets (<c>o.Tasks.AddArcAgi1(path)</c>), the Hub, allowed sources.</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder AddHuggingFaceIngestion(this IIngestionBuilder builder, Action<HuggingFaceIngestionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<HuggingFaceIngestionOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddHttpClient(HuggingFaceIngestionService.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(static () => HuggingFaceHubClient.CreatePrimaryHandler())
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IExplanationRepository, InMemoryExplanationRepository>();
        services.TryAddSingleton<HuggingFaceIngestionService>();
        return builder.AddJob<HuggingFaceIngestionJob, HuggingFaceIngestionParameters>(HuggingFaceIngestionJob.Kind);
    }
}
