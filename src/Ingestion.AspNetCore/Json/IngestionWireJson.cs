using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ingestion.AspNetCore;

/// <summary>
/// The JSON of the wire protocol (docs/protocol.md), shared by the HTTP endpoints, the WebSocket and the SignalR hub:
/// camelCase names, enums as camelCase strings, durations as seconds (a number), events with a <c>type</c> first.
/// </summary>
public static class IngestionWireJson
{
    /// <summary>Gets the serializer options of the wire protocol (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new SecondsConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>A <see cref="TimeSpan"/> as seconds: what a dashboard wants to compute with.</summary>
    private sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => TimeSpan.FromSeconds(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteNumberValue(Math.Round(value.TotalSeconds, 3));
    }
}
