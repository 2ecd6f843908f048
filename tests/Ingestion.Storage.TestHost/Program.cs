using Ingestion.HuggingFace;
using Ingestion.TestHosts;

// A web host of the HuggingFace ingestion on a durable store, for the crash tests:
//   --store sqlite|postgresql --database <file or connection string> --data <folder> --tasks <folder>
// It serves the control endpoints (anonymous) on a free loopback port and prints "ready <url>" once it listens.
var options = HostArguments.Parse(args, "store", "database", "data", "tasks");
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls("http://127.0.0.1:0");

var ingestion = builder.Services.AddIngestion(o => o.ProgressInterval = TimeSpan.FromMilliseconds(50))
    .ConfigureEndpoints(o => o.AllowAnonymous = true)
    .AddHuggingFaceIngestion(o =>
    {
        o.Tasks.Add("Generated", options["tasks"]);
        o.LocalDatasetRoots.Add(options["data"]);
        o.CheckpointInterval = TimeSpan.FromMilliseconds(100);
    });
switch (options["store"])
{
    case "sqlite":
        ingestion.UseSqliteStore(options["database"]);
        break;
    case "postgresql":
        ingestion.UsePostgreSqlStore(options["database"]);
        break;
    default:
        Console.Error.WriteLine($"unknown store '{options["store"]}'");
        return 2;
}

var app = builder.Build();
app.MapIngestionEndpoints();
await app.StartAsync();
Console.WriteLine("ready " + app.Urls.First());
await app.WaitForShutdownAsync();
return 0;
