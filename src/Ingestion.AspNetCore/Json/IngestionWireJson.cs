using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Ingestion.AspNetCore;

/// <summary>
/// The JSON of the wire protocol (docs/protocol.md), shared by the HTTP endpoints, the WebSocket and the SignalR hub:
/// camelCase names, enums as camelCase strings, durations as seconds (a number), events with a <c>type</c> first.
/// The last three belong to the Ingestion.Core types themselves (their converters), so any serializer writes them so.
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
        options.MakeReadOnly();
        return options;
    }
}
