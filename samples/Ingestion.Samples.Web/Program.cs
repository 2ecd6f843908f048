using System.Security.Cryptography;
using Ingestion.Samples;
using Ingestion.Samples.Web;
using Ingestion.Samples.Web.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// The web sample: the HuggingFace ingestion on the embedded generated dataset (or a Hub, by configuration), SQLite
// beside the program (or PostgreSQL), the control endpoints, the progress WebSocket and the SignalR hub behind an API
// key, and the dashboard. Configuration keys: docs/operations.md, "The web sample".
// The content root is the program's folder, so that wwwroot and appsettings.json are found wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

var configuration = builder.Configuration;
var generatedKey = string.IsNullOrEmpty(configuration["Sample:ApiKey"]);
var apiKey = generatedKey ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : configuration["Sample:ApiKey"]!;
var dataDirectory = Path.GetFullPath(configuration["Sample:DataDirectory"] is { Length: > 0 } configured ? configured : SampleData.DefaultRoot);
var puzzles = configuration.GetValue("Sample:GeneratedPuzzles", SampleData.DefaultPuzzles);
var postgreSql = configuration.GetConnectionString("Ingestion");
var cluster = SampleCluster.IsConfigured(configuration);
if (cluster && string.IsNullOrEmpty(postgreSql))
{
    Console.Error.WriteLine("error: a cluster (Orleans:Redis) needs ConnectionStrings:Ingestion, the PostgreSQL store all its hosts share.");
    return 2;
}

await SampleData.EnsureAsync(dataDirectory, puzzles);
var localDataset = Path.Combine(dataDirectory, "dataset");

if (cluster)
{
    // A front end that is a silo too: it may run jobs, and every job of the cluster is watched and steered from it.
    builder.AddSampleSilo();
}

builder.Services.AddSampleAuthentication(apiKey);
var ingestion = builder.Services.AddIngestion(o => o.ProgressInterval = TimeSpan.FromMilliseconds(100))
    .AddHuggingFaceIngestion(o =>
    {
        o.Tasks.Add("Generated", Path.Combine(dataDirectory, "puzzles"));
        o.LocalDatasetRoots.Add(localDataset);
        foreach (var (source, folder) in configuration.GetSection("HuggingFace:Tasks").GetChildren().Select(s => (s.Key, s.Value)))
        {
            if (!string.IsNullOrEmpty(folder))
            {
                o.Tasks.Add(source, folder);
            }
        }

        foreach (var url in configuration.GetSection("HuggingFace:AllowedHubUrls").Get<string[]>() ?? [])
        {
            o.AllowedHubUrls.Add(url);
        }

        if (configuration["HuggingFace:Endpoint"] is { Length: > 0 } endpoint)
        {
            o.Hub.Endpoint = new Uri(endpoint);
        }

        if (configuration["HuggingFace:Token"] is { Length: > 0 } token)
        {
            o.Hub.Token = token;
        }
    })
    .AddWebSocketSink()
    .AddSignalRSink()
    .ConfigureEndpoints(o => o.AuthorizationPolicy = SampleAuthentication.Policy);
if (string.IsNullOrEmpty(postgreSql))
{
    ingestion.UseSqliteStore(Path.Combine(dataDirectory, "ingestion.db"));
}
else
{
    ingestion.UsePostgreSqlStore(postgreSql);
}

if (cluster)
{
    ingestion.UseSampleCluster(configuration);
}

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseWebSockets();
app.UseAuthentication();
app.UseAuthorization();
app.MapSessionEndpoints();
app.MapPresetsEndpoint(localDataset);
app.MapIngestionEndpoints();
app.MapHuggingFaceEndpoints();
app.MapIngestionWebSocket();
app.MapIngestionHub();

app.Lifetime.ApplicationStarted.Register(() =>
{
    // The bound addresses, not the configured ones: with port 0 the system picks the port.
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var address in addresses)
    {
        Console.WriteLine($"Listening on {address}");
    }

    Console.WriteLine($"Dataset: {localDataset} (dataset \"{Presets.GeneratedDataset}\", source \"Generated\")");
    Console.WriteLine($"Store: {(string.IsNullOrEmpty(postgreSql) ? Path.Combine(dataDirectory, "ingestion.db") : "PostgreSQL (ConnectionStrings:Ingestion)")}");
    if (cluster)
    {
        Console.WriteLine($"Cluster: Orleans silo of cluster '{configuration["Orleans:ClusterId"]}', membership and events in Redis {configuration["Orleans:Redis"]}");
    }

    Console.WriteLine(generatedKey
        ? $"API key (generated for this run; set Sample:ApiKey to keep one): {apiKey}"
        : "API key: from configuration (Sample:ApiKey)");
});

await app.RunAsync();
return 0;
