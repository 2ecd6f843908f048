using System.Globalization;
using Ingestion.AspNetCore;
using Ingestion.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingestion.Sinks.WebSockets;

/// <summary>The request handler behind <c>MapIngestionWebSocket</c>: checks the request, accepts it, runs the connection.</summary>
internal static class IngestionWebSocketEndpoint
{
    public static async Task HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<WebSocketSinkOptions>>().Value;
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await IngestionHttp.Problem(
                StatusCodes.Status400BadRequest,
                IngestionProblemTypes.WebSocketRequired,
                "WebSocket required",
                "This endpoint only takes WebSocket requests (docs/protocol.md#the-progress-websocket).").ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        if (!IsOriginAllowed(http.Request, options))
        {
            await IngestionHttp.Problem(
                StatusCodes.Status403Forbidden,
                IngestionProblemTypes.OriginNotAllowed,
                "Origin not allowed",
                $"Pages from '{http.Request.Headers.Origin}' may not open this WebSocket; add the origin to WebSocketSinkOptions.AllowedOrigins if they should.").ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var (jobId, since, error) = ReadQuery(http.Request.Query);
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = options.KeepAliveInterval,
            KeepAliveTimeout = options.KeepAliveTimeout,
        }).ConfigureAwait(false);

        if (error is not null)
        {
            await WebSocketConnection.RejectAsync(socket, timeProvider, ErrorCodes.InvalidRequest, IngestionWebSocketCloseCodes.InvalidRequest, error, jobId).ConfigureAwait(false);
            return;
        }

        using var connection = new WebSocketConnection(
            socket,
            services.GetRequiredService<IJobManager>(),
            options,
            jobId,
            since,
            timeProvider,
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Ingestion.Sinks.WebSockets"));
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        await connection.RunAsync(services.GetRequiredService<WebSocketHub>(), stopping).ConfigureAwait(false);
    }

    /// <summary>
    /// No <c>Origin</c> (not a browser) or the server's own origin is allowed; any other only if listed. Behind a proxy,
    /// use the forwarded-headers middleware so that the request's scheme and host are the public ones.
    /// </summary>
    internal static bool IsOriginAllowed(HttpRequest request, WebSocketSinkOptions options)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        origin = origin.TrimEnd('/');
        if (string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var allowed in options.AllowedOrigins)
        {
            if (allowed == "*" || string.Equals(origin, allowed.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static (string? JobId, long? Since, string? Error) ReadQuery(IQueryCollection query)
    {
        string? jobId = null;
        if (query.TryGetValue("jobId", out var jobIds))
        {
            if (jobIds.Count != 1 || string.IsNullOrWhiteSpace(jobIds[0]))
            {
                return (null, null, "jobId must be given once and not be empty.");
            }

            jobId = jobIds[0];
        }

        if (!query.TryGetValue("since", out var sinces))
        {
            return (jobId, null, null);
        }

        if (jobId is null)
        {
            return (null, null, "since needs a jobId: it is a position in one job's sequence.");
        }

        return sinces.Count == 1 && long.TryParse(sinces[0], NumberStyles.None, CultureInfo.InvariantCulture, out var since)
            ? (jobId, since, null)
            : (jobId, null, "since must be a whole number of 0 or more: the last seq you have.");
    }
}
