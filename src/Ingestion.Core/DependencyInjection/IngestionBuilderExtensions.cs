using Ingestion.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds sinks, job kinds and a store to the job engine.</summary>
public static class IngestionBuilderExtensions
{
    /// <summary>Adds a progress sink, created from the services. Adding the same type twice adds it once.</summary>
    /// <typeparam name="TSink">The sink type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder AddSink<TSink>(this IIngestionBuilder builder)
        where TSink : class, IProgressSink
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IProgressSink, TSink>());
        return builder;
    }

    /// <summary>Adds a progress sink instance.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="sink">The sink.</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder AddSink(this IIngestionBuilder builder, IProgressSink sink)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sink);
        builder.Services.AddSingleton(sink);
        return builder;
    }

    /// <summary>Adds a kind of job that takes no parameters; its instances are created from each run's DI scope.</summary>
    /// <typeparam name="TJob">The job type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="kind">The kind's name, used to start it (e.g. over HTTP) and to resume it.</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder AddJob<TJob>(this IIngestionBuilder builder, string kind)
        where TJob : class, IJob
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(JobRegistration.Create<TJob>(kind));
        return builder;
    }

    /// <summary>
    /// Adds a kind of job whose parameters bind to <typeparamref name="TParameters"/> and are validated (data annotations
    /// and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>) before the job is accepted.
    /// </summary>
    /// <typeparam name="TJob">The job type.</typeparam>
    /// <typeparam name="TParameters">The parameters type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="kind">The kind's name, used to start it (e.g. over HTTP) and to resume it.</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder AddJob<TJob, TParameters>(this IIngestionBuilder builder, string kind)
        where TJob : class, IJob
        where TParameters : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(JobRegistration.Create<TJob, TParameters>(kind));
        return builder;
    }

    /// <summary>Adds a kind of job from a registration (for example one whose body is a delegate).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="registration">The registration.</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder AddJob(this IIngestionBuilder builder, JobRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(registration);
        builder.Services.AddSingleton(registration);
        return builder;
    }

    /// <summary>Replaces the job store (the in-memory one by default).</summary>
    /// <typeparam name="TStore">The store type, created from the services.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder UseStore<TStore>(this IIngestionBuilder builder)
        where TStore : class, IJobStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IJobStore, TStore>());
        return builder;
    }

    /// <summary>Replaces the job store (the in-memory one by default) with one made by a factory.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Makes the store.</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder UseStore(this IIngestionBuilder builder, Func<IServiceProvider, IJobStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }
}
