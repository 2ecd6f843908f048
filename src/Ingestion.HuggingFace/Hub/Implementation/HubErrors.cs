using System.Net;
using System.Text.Json;

namespace Ingestion.HuggingFace;

/// <summary>
/// Turns an error answer into the exception that says what to do about it, in the order huggingface_hub checks:
/// the error code, then the status; a 401 or 403 says whether the token was missing, rejected or lacks access.
/// </summary>
internal static class HubErrors
{
    private const string Disabled = "Access to this resource is disabled.";
    private const string SetToken = "set HF_TOKEN or HuggingFaceHubOptions.Token";

    public static HuggingFaceHubException Create(HubExchange exchange, HubTarget target, string body, Func<string, string> scrub)
    {
        var response = exchange.Response;
        var status = response.StatusCode;
        var errorCode = HubExchange.Header(response, "X-Error-Code");
        var headerMessage = HubExchange.Header(response, "X-Error-Message");
        var requestId = HubTransport.RequestId(response);
        var hubSaid = scrub(ServerMessage(headerMessage, body));
        var repository = target.Repository ?? HubPaths.Redact(exchange.FinalUri);
        var revision = target.Revision ?? "main";

        string Message(string explanation)
        {
            var text = $"GET {HubPaths.Redact(exchange.FinalUri)} answered {(int)status} {response.ReasonPhrase}: {explanation}";
            if (hubSaid.Length > 0)
            {
                text += $" The Hub said: {hubSaid}";
            }

            return requestId is null ? text : $"{text} (request id {requestId})";
        }

        if (errorCode == "RevisionNotFound")
        {
            return new HubNotFoundException(Message($"revision '{revision}' of {repository} was not found."), HubNotFoundKind.RevisionNotFound, errorCode, requestId);
        }

        if (errorCode == "EntryNotFound")
        {
            var what = target.Path is { Length: > 0 } path ? $"'{path}'" : "the path";
            return new HubNotFoundException(Message($"{what} was not found in {repository} at {revision}."), HubNotFoundKind.EntryNotFound, errorCode, requestId);
        }

        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            if (headerMessage == Disabled)
            {
                return new HuggingFaceHubException(Message($"access to {repository} is disabled."), status, errorCode, requestId);
            }

            if (!exchange.TokenSent)
            {
                // A private, gated or missing repository all answer 401 to a request without a token.
                return new HubAuthenticationException(
                    Message($"no token was sent: {SetToken} ({repository} may be private, gated or missing)."), status, errorCode, requestId, tokenSent: false);
            }

            var explanation = status == HttpStatusCode.Unauthorized
                ? $"the token was rejected (invalid, expired or revoked): check HF_TOKEN or HuggingFaceHubOptions.Token."
                : $"the token has no access to {repository} (gated or private): ask for access on the repository's page, or use a token that has it.";
            return new HubAuthenticationException(Message(explanation), status, errorCode, requestId, tokenSent: true);
        }

        if (status == HttpStatusCode.NotFound && errorCode is null && target.MissingEntry is { } missing)
        {
            return new HubNotFoundException(Message($"{repository} has no {missing} (or the repository was not found)."), HubNotFoundKind.EntryNotFound, errorCode, requestId);
        }

        if (status == HttpStatusCode.NotFound)
        {
            var explanation = exchange.TokenSent
                ? $"{repository} was not found, or the token has no access to it (private)."
                : $"{repository} was not found (if it is private, {SetToken}).";
            return new HubNotFoundException(Message(explanation), HubNotFoundKind.RepositoryNotFound, errorCode, requestId);
        }

        var generic = (int)status switch
        {
            408 or 429 or 500 or 502 or 503 or 504 => "the retries ran out.",
            416 => $"the requested range is beyond the file (Content-Range: {HubExchange.Header(response, "Content-Range") ?? "none"}).",
            _ => "the request failed.",
        };
        return new HuggingFaceHubException(Message(generic), status, errorCode, requestId);
    }

    /// <summary>
    /// The Hub's own words: <c>X-Error-Message</c>, then the JSON body's <c>error</c> (string or list),
    /// <c>error_description</c> and <c>errors[].message</c>; a body that is not JSON is used as text unless it is HTML.
    /// </summary>
    private static string ServerMessage(string? headerMessage, string body)
    {
        var messages = new List<string>();
        if (!string.IsNullOrWhiteSpace(headerMessage))
        {
            messages.Add(headerMessage.Trim());
        }

        var trimmed = body.Trim();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                var root = document.RootElement;
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.String)
                    {
                        messages.Add(error.GetString()!);
                    }
                    else if (error.ValueKind == JsonValueKind.Array)
                    {
                        messages.AddRange(error.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
                    }
                }

                if (root.TryGetProperty("error_description", out var description) && description.ValueKind == JsonValueKind.String)
                {
                    messages.Add(description.GetString()!);
                }

                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                {
                    messages.AddRange(errors.EnumerateArray()
                        .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                        .Select(e => e.GetProperty("message").GetString()!));
                }
            }
            catch (JsonException)
            {
                messages.Add(Shorten(trimmed));
            }
        }
        else if (trimmed.Length > 0 && !trimmed.StartsWith('<'))
        {
            messages.Add(Shorten(trimmed));
        }

        return string.Join(" ", messages.Select(m => m.Trim()).Where(m => m.Length > 0).Distinct(StringComparer.Ordinal));

        static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";
    }
}
