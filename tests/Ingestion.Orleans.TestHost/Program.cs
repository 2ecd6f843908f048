using System.Net;
using Ingestion.HuggingFace;
using Ingestion.TestHosts;
using Orleans.Configuration;

// A silo of the cluster tests, with the HuggingFace ingestion on PostgreSQL behind the control endpoints (anonymous),
// the progress WebSocket and the SignalR hub, on a free loopback port:
//   --cluster <id> --redis <host:port> --database <connection string> --data <folder> --tasks <folder>
//   --silo-port <port> --gateway-port <port>
// Membership timings are the short ones of docs/operations.md's test column. Prints "ready <url>" once it listens and
// its silo has joined the cluster.
var options = HostArguments.Parse(args, "cluster", "redis", "database", "data", "tasks", "silo-port", "gateway-port");
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true)
    .SetMinimumLevel(options.TryGetValue("log", out var level) ? Enum.Parse<LogLevel>(level) : LogLevel.Warning)
    .AddFilter("Ingestion.Orleans", LogLevel.Information);
builder.WebHost.UseUrls("http://127.0.0.1:0");

builder.UseOrleans(silo =>
{
    silo.UseRedisClustering(options["redis"]);
    silo.Configure<ClusterOptions>(o =>
    {
        o.ClusterId = options["cluster"];
        o.ServiceId = "ingestion-cluster-tests";
    });
    silo.ConfigureEndpoints(IPAddress.Loopback, int.Parse(options["silo-port"], System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(options["gateway-port"], System.Globalization.CultureInfo.InvariantCulture));
    silo.Configure<ClusterMembershipOptions>(o =>
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
        o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    });
    silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
});

builder.Services.AddIngestion(o => o.ProgressInterval = TimeSpan.FromMilliseconds(50))
    .ConfigureEndpoints(o => o.AllowAnonymous = true)
    .AddHuggingFaceIngestion(o =>
    {
        o.Tasks.Add("Generated", options["tasks"]);
        o.LocalDatasetRoots.Add(options["data"]);
        o.CheckpointInterval = TimeSpan.FromMilliseconds(100);
    })
    .UsePostgreSqlStore(options["database"])
    .AddWebSocketSink()
    .AddSignalRSink()
    .UseOrleansCluster(o =>
    {
        o.EventsRedis = options["redis"];
        o.EventsChannel = "ingestion-events-" + options["cluster"];
        o.SupervisorInterval = TimeSpan.FromSeconds(1);
    });

var app = builder.Build();
app.UseWebSockets();
app.MapIngestionEndpoints();
app.MapIngestionWebSocket();
app.MapIngestionHub();
await app.StartAsync();
Console.WriteLine("ready " + app.Urls.First());
await app.WaitForShutdownAsync();
return 0;
