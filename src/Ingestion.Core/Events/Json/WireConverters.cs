using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>
/// An enum as its camelCase name (<c>"running"</c>), whatever serializer options the caller uses: the wire shape of
/// the library's types is theirs, so a SignalR hub, a JSON file sink and the HTTP endpoints all write the same JSON.
/// </summary>
internal sealed class CamelCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public CamelCaseEnumConverter()
        : base(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    {
    }
}

/// <summary>A duration as seconds, a number with at most 3 decimals: what a dashboard computes with.</summary>
internal sealed class SecondsConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => TimeSpan.FromSeconds(reader.GetDouble());

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteNumberValue(Math.Round(value.TotalSeconds, 3));
}
