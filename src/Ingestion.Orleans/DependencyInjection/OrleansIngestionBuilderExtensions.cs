using Ingestion.Core;
using Ingestion.Orleans;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs the ingestion jobs on a Microsoft Orleans cluster.</summary>
public static class OrleansIngestionBuilderExtensions
{
    /// <summary>
    /// Makes <see cref="IJobManager"/> the cluster's: a job is a grain that one silo runs, and every command for it is a
    /// call to it; every host's sinks get every job's events (through Redis); a supervisor on every silo brings back the
    /// live jobs of a silo that died, from their checkpoint. The host must be an Orleans silo (configure it with
    /// Orleans' own <c>builder.UseOrleans(silo => …)</c>, with the same clustering on every host), and all hosts must
    /// share one store (<c>UsePostgreSqlStore</c>) and register the same job kinds.
    /// </summary>
    /// <param name="builder">The ingestion builder.</param>
    /// <param name="configure">Sets <see cref="OrleansIngestionOptions.EventsRedis"/> at least.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IIngestionBuilder UseOrleansCluster(this IIngestionBuilder builder, Action<OrleansIngestionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<OrleansIngestionOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrleansIngestionOptions>, OptionsValidator>());

        // Other silos run the store's live jobs: nobody marks them Interrupted at start-up; the supervisor takes over
        // those whose silo is gone.
        services.Configure<IngestionOptions>(static o => o.RecoverOnStart = false);

        services.TryAddSingleton<ClusterEventFeed>();
        services.TryAddSingleton<ClusterEventRelay>();
        services.AddSingleton<IProgressSink>(static sp => sp.GetRequiredService<ClusterEventFeed>());
        services.AddSingleton<IProgressSink>(static sp => sp.GetRequiredService<ClusterEventRelay>());
        services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<ClusterEventRelay>());
        services.AddHostedService<JobSupervisor>();
        services.Replace(ServiceDescriptor.Singleton<IJobManager, OrleansJobManager>());
        return builder;
    }

    private sealed class OptionsValidator : IValidateOptions<OrleansIngestionOptions>
    {
        public ValidateOptionsResult Validate(string? name, OrleansIngestionOptions options)
        {
            var errors = options.Validate().ToArray();
            return errors.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
