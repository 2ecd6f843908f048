using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.Core;

/// <summary>
/// A kind of job the manager can start by name and resume after a restart: the kind's name, the type its parameters
/// bind to (validated before the job is accepted) and how to create its <see cref="IJob"/>.
/// </summary>
/// <remarks>
/// With DI, use <c>services.AddIngestion().AddJob&lt;TJob, TParameters&gt;("kind")</c>; without it, pass registrations
/// to the <see cref="JobManager"/> constructor.
/// </remarks>
public sealed class JobRegistration
{
    /// <summary>The kind recorded for jobs started from a <see cref="JobBody"/> delegate. Such jobs cannot be resumed after a restart.</summary>
    public const string DelegateKind = "delegate";

    private readonly Func<IServiceProvider, IJob> _factory;

    private JobRegistration(string kind, Type? parametersType, Func<IServiceProvider, IJob> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        if (string.Equals(kind, DelegateKind, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{DelegateKind}' is reserved for jobs started from a delegate.", nameof(kind));
        }

        Kind = kind;
        ParametersType = parametersType;
        _factory = factory;
    }

    /// <summary>Gets the kind's name.</summary>
    public string Kind { get; }

    /// <summary>Gets the type the job's parameters bind to, or <see langword="null"/> when the job takes none.</summary>
    public Type? ParametersType { get; }

    /// <summary>A kind whose job is created from the services (constructor injection), taking no parameters.</summary>
    /// <typeparam name="TJob">The job type.</typeparam>
    /// <param name="kind">The kind's name.</param>
    /// <returns>The registration.</returns>
    public static JobRegistration Create<TJob>(string kind)
        where TJob : class, IJob
        => new(kind, null, static services => ActivatorUtilities.GetServiceOrCreateInstance<TJob>(services));

    /// <summary>
    /// A kind whose job is created from the services (constructor injection), with parameters that bind to
    /// <typeparamref name="TParameters"/> and are validated with data annotations (and <see cref="IValidatableObject"/>).
    /// </summary>
    /// <typeparam name="TJob">The job type.</typeparam>
    /// <typeparam name="TParameters">The parameters type; read it in the body with <see cref="JobContext.GetParameters{T}"/>.</typeparam>
    /// <param name="kind">The kind's name.</param>
    /// <returns>The registration.</returns>
    public static JobRegistration Create<TJob, TParameters>(string kind)
        where TJob : class, IJob
        where TParameters : class
        => new(kind, typeof(TParameters), static services => ActivatorUtilities.GetServiceOrCreateInstance<TJob>(services));

    /// <summary>A kind whose job is made by a factory.</summary>
    /// <param name="kind">The kind's name.</param>
    /// <param name="factory">Makes the job for one run; it gets the run's scoped services.</param>
    /// <param name="parametersType">The type the parameters bind to, or <see langword="null"/> when the job takes none.</param>
    /// <returns>The registration.</returns>
    public static JobRegistration Create(string kind, Func<IServiceProvider, IJob> factory, Type? parametersType = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new(kind, parametersType, factory);
    }

    /// <summary>A kind whose body is a delegate; useful without DI.</summary>
    /// <param name="kind">The kind's name.</param>
    /// <param name="body">The body.</param>
    /// <param name="parametersType">The type the parameters bind to, or <see langword="null"/> when the job takes none.</param>
    /// <returns>The registration.</returns>
    public static JobRegistration Create(string kind, JobBody body, Type? parametersType = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var job = new DelegateJob(body);
        return new(kind, parametersType, _ => job);
    }

    internal IJob CreateJob(IServiceProvider services) => _factory(services);

    /// <summary>Binds and validates parameters; returns the bound object (or null when the kind takes none) and every problem found.</summary>
    internal object? BindParameters(JsonElement parameters, List<JobStartError> errors)
    {
        if (parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            errors.Add(new JobStartError(null, $"Parameters must be a JSON object, not {parameters.ValueKind.ToString().ToLowerInvariant()}."));
            return null;
        }

        if (ParametersType is null)
        {
            return null;
        }

        object? bound;
        try
        {
            bound = parameters.ValueKind == JsonValueKind.Object
                ? parameters.Deserialize(ParametersType, IngestionJson.Options)
                : Activator.CreateInstance(ParametersType);
        }
        catch (JsonException ex)
        {
            errors.Add(new JobStartError(JsonPathToMember(ex.Path), ex.Message));
            return null;
        }
        catch (MissingMethodException)
        {
            errors.Add(new JobStartError(null, $"Parameters are required for jobs of kind '{Kind}'."));
            return null;
        }

        if (bound is null)
        {
            errors.Add(new JobStartError(null, $"Parameters are required for jobs of kind '{Kind}'."));
            return null;
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(bound, new ValidationContext(bound), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var members = result.MemberNames.Select(IngestionJson.MemberName).ToArray();
            errors.Add(new JobStartError(members.Length == 0 ? null : string.Join(",", members), result.ErrorMessage ?? "Invalid value."));
        }

        return bound;
    }

    private static string? JsonPathToMember(string? path)
        => string.IsNullOrEmpty(path) || path == "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private sealed class DelegateJob(JobBody body) : IJob
    {
        public Task ExecuteAsync(JobContext context, CancellationToken cancellationToken) => body(context, cancellationToken);
    }
}
