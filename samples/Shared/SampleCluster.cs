using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Ingestion.Samples;

/// <summary>
/// The samples' Orleans silo, from configuration (the <c>Orleans</c> section; docs/operations.md, "Several hosts"):
/// membership in Redis, this silo's ports, and the membership timings. Shared by the worker silo and the web sample
/// (each compiles this file in, as a link), so that they form one cluster.
/// </summary>
internal static class SampleCluster
{
    /// <summary>Whether the configuration asks for a cluster (<c>Orleans:Redis</c> is set).</summary>
    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrEmpty(configuration["Orleans:Redis"]);

    public static void AddSampleSilo(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Orleans");
        var redis = section["Redis"] ?? throw new InvalidOperationException("Orleans:Redis must be set for a cluster.");
        builder.UseOrleans(silo =>
        {
            silo.UseRedisClustering(redis);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = section["ClusterId"] is { Length: > 0 } cluster ? cluster : "ingestion";
                o.ServiceId = section["ServiceId"] is { Length: > 0 } service ? service : "ingestion";
            });
            silo.ConfigureEndpoints(
                IPAddress.Parse(section["Address"] is { Length: > 0 } address ? address : "127.0.0.1"),
                section.GetValue("SiloPort", 11111),
                section.GetValue("GatewayPort", 30000));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = section.GetValue("ProbeTimeout", o.ProbeTimeout);
                o.NumMissedProbesLimit = section.GetValue("NumMissedProbesLimit", o.NumMissedProbesLimit);
                o.DeathVoteExpirationTimeout = section.GetValue("DeathVoteExpirationTimeout", o.DeathVoteExpirationTimeout);
                o.TableRefreshTimeout = section.GetValue("TableRefreshTimeout", o.TableRefreshTimeout);
                o.IAmAliveTablePublishTimeout = section.GetValue("IAmAliveTablePublishTimeout", o.IAmAliveTablePublishTimeout);
            });
        });
    }

    /// <summary>The ingestion's side: the jobs on the cluster, events through the same Redis.</summary>
    public static IIngestionBuilder UseSampleCluster(this IIngestionBuilder ingestion, IConfiguration configuration) =>
        ingestion.UseOrleansCluster(o =>
        {
            o.EventsRedis = configuration["Orleans:Redis"];
            if (configuration["Orleans:SupervisorInterval"] is { Length: > 0 } interval)
            {
                o.SupervisorInterval = TimeSpan.Parse(interval, CultureInfo.InvariantCulture);
            }
        });
}
