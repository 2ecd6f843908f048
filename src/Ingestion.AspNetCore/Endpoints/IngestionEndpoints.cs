using System.Globalization;
using System.Text.Json;
using Ingestion.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingestion.AspNetCore;

/// <summary>The handlers of the control endpoints. Bad input is answered with a ProblemDetails, never with a 500.</summary>
internal static class IngestionEndpoints
{
    private static readonly JobState[] FinishedStates = [JobState.Completed, JobState.Cancelled, JobState.Failed, JobState.Interrupted];

    public static async Task<IResult> StartAsync(HttpContext http, string prefix)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<IngestionEndpointOptions>>().Value;
        var kind = http.Request.Query["kind"].ToString() is { Length: > 0 } asked ? asked : DefaultKind(services, options);
        if (kind is null)
        {
            var known = string.Join(", ", services.GetServices<JobRegistration>().Select(r => r.Kind).Order(StringComparer.Ordinal));
            return IngestionHttp.Problem(StatusCodes.Status400BadRequest, IngestionProblemTypes.UnknownKind, "No job kind given",
                $"Say which kind to start with ?kind=. Registered kinds: {(known.Length == 0 ? "none" : known)}.");
        }

        JsonDocument? body = null;
        try
        {
            if (IngestionHttp.HasBody(http.Request))
            {
                if (!IngestionHttp.IsJson(http.Request.ContentType))
                {
                    return IngestionHttp.Problem(StatusCodes.Status415UnsupportedMediaType, IngestionProblemTypes.UnsupportedMediaType, "The body is not JSON",
                        $"Send the job's parameters as a JSON object with Content-Type: application/json (got '{http.Request.ContentType}').");
                }

                try
                {
                    body = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted).ConfigureAwait(false);
                }
                catch (JsonException ex)
                {
                    return IngestionHttp.Problem(StatusCodes.Status400BadRequest, IngestionProblemTypes.InvalidJson, "The body is not well-formed JSON", ex.Message);
                }
            }

            var manager = services.GetRequiredService<IJobManager>();
            var name = http.Request.Query["name"].ToString() is { Length: > 0 } n ? n : null;
            JobSnapshot job;
            try
            {
                job = await manager.StartAsync(kind, body?.RootElement ?? default, new JobStartOptions { Name = name }, http.RequestAborted).ConfigureAwait(false);
            }
            catch (JobStartException ex) when (ex.Failure == JobStartFailure.UnknownKind)
            {
                return IngestionHttp.Problem(StatusCodes.Status400BadRequest, IngestionProblemTypes.UnknownKind, "Unknown job kind", ex.Message);
            }
            catch (JobStartException ex)
            {
                var errors = ex.Errors
                    .GroupBy(e => e.Member ?? string.Empty, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal);
                return Results.ValidationProblem(errors, ex.Message, type: IngestionProblemTypes.InvalidParameters, title: "Invalid parameters");
            }
            catch (ObjectDisposedException)
            {
                return IngestionHttp.Problem(StatusCodes.Status503ServiceUnavailable, IngestionProblemTypes.ShuttingDown, "Shutting down", "The host is stopping and takes no new jobs.");
            }

            var links = Links(http, prefix, job.Id, options);
            http.Response.Headers.Location = links.Self;
            return Results.Json(new StartResponse(job.Id, job.State, job, links), IngestionWireJson.Options, statusCode: StatusCodes.Status202Accepted);
        }
        finally
        {
            body?.Dispose();
        }
    }

    public static async Task<IResult> CommandAsync(HttpContext http, string jobId, Func<IJobManager, string, CancellationToken, ValueTask<JobCommandResult>> command)
    {
        var manager = http.RequestServices.GetRequiredService<IJobManager>();
        var result = await command(manager, jobId, http.RequestAborted).ConfigureAwait(false);
        return result.Status switch
        {
            JobCommandStatus.NotFound => NotFound(jobId),
            JobCommandStatus.InvalidTransition => IngestionHttp.Problem(StatusCodes.Status409Conflict, IngestionProblemTypes.InvalidTransition, "Not allowed in the job's state", result.Message,
                new Dictionary<string, object?> { ["jobId"] = jobId, ["state"] = Name(result.State!.Value) }),
            _ => Results.Json(new CommandResponse(jobId, result.Status, result.State!.Value, result.Message, result.Job!), IngestionWireJson.Options),
        };
    }

    public static async Task<IResult> GetAsync(HttpContext http, string jobId)
    {
        var job = await http.RequestServices.GetRequiredService<IJobManager>().GetAsync(jobId, http.RequestAborted).ConfigureAwait(false);
        return job is null ? NotFound(jobId) : Results.Json(job, IngestionWireJson.Options);
    }

    public static async Task<IResult> ListLiveAsync(HttpContext http)
    {
        var jobs = await http.RequestServices.GetRequiredService<IJobManager>().ListLiveAsync(http.RequestAborted).ConfigureAwait(false);
        return Results.Json(jobs, IngestionWireJson.Options);
    }

    private const string ParameterFilterPrefix = "parameters.";

    public static async Task<IResult> HistoryAsync(HttpContext http)
    {
        var query = http.Request.Query;
        var problems = new List<string>();
        var offset = Integer(query, "offset", 0, 0, int.MaxValue, problems);
        var limit = Integer(query, "limit", 50, 1, JobHistoryQuery.MaxLimit, problems);
        var states = new List<JobState>();
        foreach (var value in query["state"])
        {
            if (Enum.TryParse<JobState>(value, ignoreCase: true, out var state) && Enum.IsDefined(state) && !int.TryParse(value, CultureInfo.InvariantCulture, out _))
            {
                states.Add(state);
            }
            else
            {
                problems.Add($"'{value}' is not a job state ({string.Join(", ", Enum.GetValues<JobState>().Select(Name))}).");
            }
        }

        // parameters.{name}={value}: jobs whose parameters have that top-level string, e.g. parameters.dataset=arcprize/x.
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            // Query keys are case-insensitive in ASP.NET Core; so is the prefix (the name after it is not).
            if (!key.StartsWith(ParameterFilterPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = key[ParameterFilterPrefix.Length..];
            if (!JobHistoryQuery.IsValidParameterName(name))
            {
                problems.Add($"'{key}' does not name a parameter: use {ParameterFilterPrefix}{{name}}, the name of letters, digits and underscores.");
            }
            else if (values.Count != 1)
            {
                problems.Add($"'{key}' is given {values.Count} times; give it once.");
            }
            else
            {
                parameters[name] = values.ToString();
            }
        }

        if (problems.Count > 0)
        {
            return IngestionHttp.Problem(StatusCodes.Status400BadRequest, IngestionProblemTypes.InvalidQuery, "Invalid query", string.Join(" ", problems));
        }

        var page = await http.RequestServices.GetRequiredService<IJobManager>().GetHistoryAsync(new JobHistoryQuery
        {
            Offset = offset,
            Limit = limit,
            States = states.Count > 0 ? states : FinishedStates,
            Kind = query["kind"].ToString() is { Length: > 0 } kind ? kind : null,
            Parameters = parameters.Count > 0 ? parameters : null,
        }, http.RequestAborted).ConfigureAwait(false);
        return Results.Json(page, IngestionWireJson.Options);
    }

    private static string? DefaultKind(IServiceProvider services, IngestionEndpointOptions options)
    {
        if (options.DefaultKind is { Length: > 0 } configured)
        {
            return configured;
        }

        var kinds = services.GetServices<JobRegistration>().Select(r => r.Kind).Distinct(StringComparer.Ordinal).Take(2).ToArray();
        return kinds.Length == 1 ? kinds[0] : null;
    }

    private static int Integer(IQueryCollection query, string name, int fallback, int min, int max, List<string> problems)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add($"'{name}' must be a whole number from {min} to {max} (was '{text}').");
        return fallback;
    }

    private static JobLinks Links(HttpContext http, string prefix, string jobId, IngestionEndpointOptions options)
    {
        var root = $"{http.Request.PathBase}{prefix}";
        var id = Uri.EscapeDataString(jobId);
        var progress = options.ProgressWebSocketPath is { Length: > 0 } path ? $"{http.Request.PathBase}{path}?jobId={id}" : null;
        return new JobLinks($"{root}/ingestion-jobs/{id}", $"{root}/pause-ingestion/{id}", $"{root}/resume-ingestion/{id}", $"{root}/cancel-ingestion/{id}", progress);
    }

    private static IResult NotFound(string jobId)
        => IngestionHttp.Problem(StatusCodes.Status404NotFound, IngestionProblemTypes.JobNotFound, "Job not found", $"No job has the id '{jobId}'.", new Dictionary<string, object?> { ["jobId"] = jobId });

    private static string Name(JobState state) => JsonNamingPolicy.CamelCase.ConvertName(state.ToString());

    private sealed record StartResponse(string JobId, JobState State, JobSnapshot Job, JobLinks Links);

    private sealed record CommandResponse(string JobId, JobCommandStatus Status, JobState State, string Message, JobSnapshot Job);

    private sealed record JobLinks(string Self, string Pause, string Resume, string Cancel, string? Progress);
}
