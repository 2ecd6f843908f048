using System.Security.Cryptography;

namespace Ingestion.Core;

/// <summary>Job ids: 128 bits from the operating system's cryptographic random source, as 32 lowercase hex digits. Unguessable.</summary>
internal static class JobIds
{
    public static string New() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>Whether <paramref name="id"/> has the shape of a job id (32 lowercase hex digits).</summary>
    public static bool IsValid(string id) => id.Length == 32 && id.All(static c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
