using Ingestion.Samples.Web.Authentication;

namespace Ingestion.Samples.Web;

/// <summary>
/// <c>GET /api/sample/presets</c>: the datasets the dashboard's form offers. The embedded generated dataset first (it
/// works offline), then the ARC Prize evaluation datasets on the Hub (their task set is told from the name).
/// </summary>
internal static class Presets
{
    public const string GeneratedDataset = "generated/arc-synthetic";

    public static void MapPresetsEndpoint(this IEndpointRouteBuilder endpoints, string localDataset) =>
        endpoints.MapGet("/api/sample/presets", () => new PresetsResponse(
        [
            new("local", "Embedded generated dataset (offline)", GeneratedDataset, HubUrl: null, LocalPath: localDataset, Source: "Generated"),
            new("arc1-eval", "ARC-AGI-1 evaluation (arcprize/arc_agi_v1_public_eval)", "arcprize/arc_agi_v1_public_eval", HubUrl: null, LocalPath: null, Source: null),
            new("arc2-eval", "ARC-AGI-2 evaluation (arcprize/arc_agi_v2_public_eval)", "arcprize/arc_agi_v2_public_eval", HubUrl: null, LocalPath: null, Source: null),
        ])).RequireAuthorization(SampleAuthentication.Policy);

    internal sealed record PresetsResponse(IReadOnlyList<Preset> Presets);

    internal sealed record Preset(string Id, string Label, string Dataset, string? HubUrl, string? LocalPath, string? Source);
}
