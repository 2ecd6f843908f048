using Ingestion.Core;
using Ingestion.Sinks.WebSockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the progress WebSocket's sink.</summary>
public static class WebSocketSinkBuilderExtensions
{
    /// <summary>
    /// Adds the sink behind <c>app.MapIngestionWebSocket()</c>: it gets every job event from the core dispatcher (on its
    /// own bounded queue) and hands it to each open connection's own bounded queue, so no client slows a job or another
    /// client. Safe to call more than once; the settings of every call apply.
    /// </summary>
    /// <param name="builder">The ingestion builder.</param>
    /// <param name="configure">Sets the WebSocket's options (keep-alive, message size, queue size, allowed origins).</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder AddWebSocketSink(this IIngestionBuilder builder, Action<WebSocketSinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<WebSocketSinkOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketSinkOptions>, WebSocketSinkOptionsValidator>());
        builder.Services.TryAddSingleton(static sp => new WebSocketHub(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IProgressSink, WebSocketHub>(static sp => sp.GetRequiredService<WebSocketHub>()));
        return builder;
    }

    private sealed class WebSocketSinkOptionsValidator : IValidateOptions<WebSocketSinkOptions>
    {
        public ValidateOptionsResult Validate(string? name, WebSocketSinkOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
