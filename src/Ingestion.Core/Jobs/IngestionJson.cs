using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ingestion.Core;

/// <summary>The JSON conventions of the library: camelCase names, enums as camelCase strings, unknown members refused in parameters.</summary>
internal static class IngestionJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static JsonElement EmptyObject { get; } = JsonDocument.Parse("{}").RootElement.Clone();

    public static string MemberName(string member) => JsonNamingPolicy.CamelCase.ConvertName(member);

    /// <summary>A detached copy of parameters (or an empty object), safe to keep after the caller's document is disposed.</summary>
    public static JsonElement Normalize(JsonElement parameters)
        => parameters.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? EmptyObject : parameters.Clone();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly();
        return options;
    }
}
