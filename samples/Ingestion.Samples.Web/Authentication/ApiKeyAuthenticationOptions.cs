using Microsoft.AspNetCore.Authentication;

namespace Ingestion.Samples.Web.Authentication;

/// <summary>The options of the <see cref="ApiKeyAuthenticationHandler"/>: the one key that makes a caller an admin.</summary>
internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>Gets or sets the admin key. Required (the sample generates one when configuration has none).</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Tells whether <paramref name="candidate"/> is the key, in time that does not depend on where they differ.</summary>
    public bool Matches(string? candidate) =>
        candidate is { Length: > 0 } && ApiKey.Length > 0 &&
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(candidate), System.Text.Encoding.UTF8.GetBytes(ApiKey));
}
