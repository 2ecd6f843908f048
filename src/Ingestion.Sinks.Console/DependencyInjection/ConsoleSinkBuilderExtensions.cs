using Ingestion.Core;
using Ingestion.Sinks.Console;
using Ingestion.Sinks.Console.Implementation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the console sink.</summary>
public static class ConsoleSinkBuilderExtensions
{
    /// <summary>
    /// Adds the console sink: a live table of the jobs in an interactive terminal, plain timestamped lines otherwise.
    /// It keeps each job's state in memory and draws from a loop of its own, so it never slows a job. Resolve
    /// <see cref="IIngestionConsole"/> to select a job, set a footer or stop the display before exiting. Safe to call
    /// more than once; the settings of every call apply.
    /// </summary>
    /// <param name="builder">The ingestion builder.</param>
    /// <param name="configure">Sets the options (mode, intervals, log level, the console to draw on).</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder AddConsoleSink(this IIngestionBuilder builder, Action<ConsoleSinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ConsoleSinkOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsoleSinkOptions>, ConsoleSinkOptionsValidator>());
        builder.Services.TryAddSingleton(static sp => new ConsoleDisplay(
            sp.GetRequiredService<IOptions<ConsoleSinkOptions>>().Value,
            sp.GetService<TimeProvider>(),
            // Resolved on first use: the manager itself depends on the sinks.
            (jobId, ct) => sp.GetRequiredService<IJobManager>().GetAsync(jobId, ct),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Ingestion.Sinks.Console")));
        builder.Services.TryAddSingleton<IIngestionConsole>(static sp => sp.GetRequiredService<ConsoleDisplay>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IProgressSink, ConsoleDisplay>(static sp => sp.GetRequiredService<ConsoleDisplay>()));
        return builder;
    }

    private sealed class ConsoleSinkOptionsValidator : IValidateOptions<ConsoleSinkOptions>
    {
        public ValidateOptionsResult Validate(string? name, ConsoleSinkOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
