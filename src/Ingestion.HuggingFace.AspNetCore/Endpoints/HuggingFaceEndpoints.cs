using System.Text.Json;
using Ingestion.AspNetCore;
using Ingestion.HuggingFace;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.HuggingFace.AspNetCore;

/// <summary>The handlers of the HuggingFace endpoints. Bad input is answered with a ProblemDetails, never with a 500.</summary>
internal static class HuggingFaceEndpoints
{
    private static readonly JsonSerializerOptions ParameterOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    public static async Task<IResult> ValidateAsync(HttpContext http)
    {
        HuggingFaceIngestionParameters? parameters;
        if (!IngestionHttp.HasBody(http.Request))
        {
            parameters = new HuggingFaceIngestionParameters();
        }
        else if (!IngestionHttp.IsJson(http.Request.ContentType))
        {
            return IngestionHttp.Problem(StatusCodes.Status415UnsupportedMediaType, IngestionProblemTypes.UnsupportedMediaType, "The body is not JSON",
                $"Send the job's parameters as a JSON object with Content-Type: application/json (got '{http.Request.ContentType}').");
        }
        else
        {
            try
            {
                parameters = await JsonSerializer.DeserializeAsync<HuggingFaceIngestionParameters>(http.Request.Body, ParameterOptions, http.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                var member = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "";
                return Results.ValidationProblem(
                    new Dictionary<string, string[]> { [member] = [ex.Message] },
                    "The parameters do not bind: " + ex.Message,
                    type: IngestionProblemTypes.InvalidParameters,
                    title: "Invalid parameters");
            }

            if (parameters is null)
            {
                return IngestionHttp.Problem(StatusCodes.Status400BadRequest, IngestionProblemTypes.InvalidParameters, "Invalid parameters", "The parameters must be a JSON object.");
            }
        }

        var service = http.RequestServices.GetRequiredService<HuggingFaceIngestionService>();
        var result = await service.ValidateAsync(parameters, http.RequestAborted).ConfigureAwait(false);
        return Results.Json(result, IngestionWireJson.Options);
    }

    public static async Task<IResult> FoldersAsync(HttpContext http)
    {
        var query = http.Request.Query;
        var dataset = query["dataset"].ToString();
        if (dataset.Length == 0)
        {
            return IngestionHttp.Problem(StatusCodes.Status400BadRequest, IngestionProblemTypes.InvalidQuery, "No dataset given",
                "Say which dataset to list with ?dataset= (e.g. arcprize/arc_agi_v1_public_eval).");
        }

        var parameters = new HuggingFaceIngestionParameters
        {
            Dataset = dataset,
            Revision = query["revision"].ToString() is { Length: > 0 } revision ? revision : "main",
            HubUrl = query["hubUrl"].ToString() is { Length: > 0 } hub ? hub : null,
            LocalPath = query["localPath"].ToString() is { Length: > 0 } local ? local : null,
        };
        parameters.ModelFolder = "-"; // not needed to list the folders; the other parameters are checked as a job's would be
        var problems = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(parameters, new(parameters), problems, validateAllProperties: true))
        {
            return IngestionHttp.Problem(StatusCodes.Status400BadRequest, IngestionProblemTypes.InvalidQuery, "Invalid query",
                string.Join(" ", problems.Select(static p => p.ErrorMessage)));
        }

        var service = http.RequestServices.GetRequiredService<HuggingFaceIngestionService>();
        try
        {
            var folders = await service.ListModelFoldersAsync(parameters, http.RequestAborted).ConfigureAwait(false);
            return Results.Json(new FoldersResponse(dataset, parameters.Revision, folders), IngestionWireJson.Options);
        }
        catch (InvalidOperationException ex)
        {
            return IngestionHttp.Problem(StatusCodes.Status400BadRequest, IngestionProblemTypes.InvalidQuery, "The dataset cannot be read from there", ex.Message);
        }
        catch (DirectoryNotFoundException ex)
        {
            return IngestionHttp.Problem(StatusCodes.Status404NotFound, HuggingFaceProblemTypes.DatasetNotFound, "No such dataset", ex.Message);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return IngestionHttp.Problem(StatusCodes.Status400BadRequest, IngestionProblemTypes.InvalidQuery, "The dataset cannot be read from there", ex.Message);
        }
        catch (HubNotFoundException ex)
        {
            return IngestionHttp.Problem(StatusCodes.Status404NotFound, HuggingFaceProblemTypes.DatasetNotFound, "No such dataset", ex.Message);
        }
        catch (HuggingFaceHubException ex)
        {
            return IngestionHttp.Problem(StatusCodes.Status502BadGateway, HuggingFaceProblemTypes.HubError, "The Hub refused or failed", ex.Message);
        }
    }

    private sealed record FoldersResponse(string Dataset, string Revision, IReadOnlyList<ModelFolderInfo> Folders);
}
