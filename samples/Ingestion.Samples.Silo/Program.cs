using Ingestion.Samples;

// A worker silo of the sample cluster: it runs jobs, nothing else (no HTTP). Start one or more beside web samples that
// have the same Orleans and ConnectionStrings settings (docs/operations.md, "Several hosts"):
//   dotnet run --project samples/Ingestion.Samples.Silo -- --Orleans:Redis 127.0.0.1:6379 \
//     --ConnectionStrings:Ingestion "Host=…" --Orleans:SiloPort 11112 --Orleans:GatewayPort 30001
// The content root is the program's folder, so that appsettings.json is found wherever it is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var configuration = builder.Configuration;
var postgreSql = configuration.GetConnectionString("Ingestion");
if (!SampleCluster.IsConfigured(configuration) || string.IsNullOrEmpty(postgreSql))
{
    Console.Error.WriteLine("error: a silo needs Orleans:Redis (membership and events) and ConnectionStrings:Ingestion (the PostgreSQL store all hosts share).");
    return 2;
}

var dataDirectory = Path.GetFullPath(configuration["Sample:DataDirectory"] is { Length: > 0 } configured ? configured : SampleData.DefaultRoot);
await SampleData.EnsureAsync(dataDirectory, configuration.GetValue("Sample:GeneratedPuzzles", SampleData.DefaultPuzzles));

builder.AddSampleSilo();
builder.Services.AddIngestion()
    .AddHuggingFaceIngestion(o =>
    {
        o.Tasks.Add("Generated", Path.Combine(dataDirectory, "puzzles"));
        o.LocalDatasetRoots.Add(Path.Combine(dataDirectory, "dataset"));
    })
    .UsePostgreSqlStore(postgreSql)
    .UseSampleCluster(configuration);

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"Silo of cluster '{configuration["Orleans:ClusterId"]}' running jobs; data in {dataDirectory}");
await host.WaitForShutdownAsync();
return 0;
