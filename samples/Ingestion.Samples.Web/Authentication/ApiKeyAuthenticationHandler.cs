using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ingestion.Samples.Web.Authentication;

/// <summary>
/// Authenticates scripts and services by the API key, in the <c>X-Api-Key</c> header or as
/// <c>Authorization: ApiKey &lt;key&gt;</c>. Browsers log in once instead (<see cref="SampleAuthentication"/>) and carry a
/// cookie, because a browser's WebSocket cannot set headers and a key in a query string ends up in logs.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    public const string HeaderName = "X-Api-Key";
    public const string AuthorizationPrefix = "ApiKey ";

    /// <summary>Tells whether the request carries a key, so that the key scheme (not the cookie) should judge it.</summary>
    public static bool HasKey(HttpRequest request) =>
        request.Headers.ContainsKey(HeaderName) ||
        request.Headers.Authorization.ToString().StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers[HeaderName].ToString();
        if (key.Length == 0)
        {
            var authorization = Request.Headers.Authorization.ToString();
            if (authorization.StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase))
            {
                key = authorization[AuthorizationPrefix.Length..].Trim();
            }
        }

        if (key.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(Options.Matches(key)
            ? AuthenticateResult.Success(new AuthenticationTicket(SampleAuthentication.Admin(Scheme.Name), Scheme.Name))
            : AuthenticateResult.Fail("The API key is not the admin key."));
    }
}
