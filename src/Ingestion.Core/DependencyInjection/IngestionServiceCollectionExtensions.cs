using Ingestion.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the job engine in a service collection.</summary>
public static class IngestionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IJobManager"/> (a <see cref="JobManager"/>), its options (validated at start-up),
    /// the in-memory <see cref="IJobStore"/> unless another is registered, and a hosted service that recovers
    /// interrupted jobs at start and stops jobs gracefully when the host stops. Safe to call more than once.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options; optional, and applied in addition to any earlier call.</param>
    /// <returns>A builder to add sinks, job kinds and a store with.</returns>
    public static IIngestionBuilder AddIngestion(this IServiceCollection services, Action<IngestionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new IngestionBuilder(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(IngestionMarker)))
        {
            return builder;
        }

        services.AddSingleton<IngestionMarker>();
        services.AddOptions<IngestionOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidator>());
        services.TryAddSingleton<IJobStore, InMemoryJobStore>();
        services.TryAddSingleton(static sp => new JobManager(
            sp.GetRequiredService<IOptions<IngestionOptions>>().Value,
            sp.GetServices<IProgressSink>(),
            sp.GetRequiredService<IJobStore>(),
            sp.GetServices<JobRegistration>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>(),
            sp,
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<IJobManager>(static sp => sp.GetRequiredService<JobManager>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IngestionHostedService>());
        return builder;
    }

    private sealed class IngestionMarker;

    private sealed class IngestionBuilder(IServiceCollection services) : IIngestionBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private sealed class IngestionOptionsValidator : IValidateOptions<IngestionOptions>
    {
        public ValidateOptionsResult Validate(string? name, IngestionOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
