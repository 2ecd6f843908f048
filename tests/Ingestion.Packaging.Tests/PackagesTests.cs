using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;

namespace Ingestion.Packaging.Tests;

/// <summary>
/// The packages as a stranger gets them: every src project packed into one folder, and a throwaway app outside the
/// repository that references them from that folder only (no project references), wires a job with the console and
/// WebSocket sinks, runs it and prints what it saw.
/// </summary>
public sealed class PackagesTests(PackedFeed packed) : IClassFixture<PackedFeed>
{
    private static string[] Packages => PackedFeed.Packages;

    private string Feed => packed.Feed;



    [Fact]
    public void EveryPackage_HasItsReadme_License_Repository_Symbols_AndDocumentation()
    {
        foreach (var package in Packages)
        {
            var path = Path.Combine(Feed, $"{package}.{packed.Version}.nupkg");
            File.Exists(path).Should().BeTrue(package);
            File.Exists(Path.ChangeExtension(path, ".snupkg")).Should().BeTrue($"{package} has a symbols package");
            using var zip = Open(package);
            var entries = zip.Entries.Select(e => e.FullName).ToArray();
            entries.Should().Contain("README.md", package);
            entries.Should().Contain($"lib/net10.0/{package}.dll").And.Contain($"lib/net10.0/{package}.xml", "{0} ships its XML documentation", package);

            var metadata = Nuspec(zip).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
            Value("license").Should().Be("MIT", package);
            Value("readme").Should().Be("README.md", package);
            Value("description").Should().NotBeNullOrWhiteSpace(package);
            var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
            repository.Attribute("url")!.Value.Should().StartWith("https://github.com/", package);
            repository.Attribute("commit").Should().NotBeNull("{0} says which commit it was built from (SourceLink)", package);
            repository.Attribute("commit")!.Value.Should().MatchRegex("^[0-9a-f]{40}$", package);
        }
    }

    [Fact]
    public void APackageThatUsesAnotherPackagesInternals_DependsOnExactlyThatPackagesVersion()
    {
        // Internals may change in any release: a package that is a friend of another (InternalsVisibleTo) must not be
        // restored beside a newer one, so its dependency is "[version]", not ">= version".
        var pairs = new List<string>();
        foreach (var package in Packages)
        {
            foreach (var friend in Friends(package).Where(Packages.Contains))
            {
                pairs.Add($"{package} -> {friend}");
                Dependencies(friend).Should().Contain(
                    (package, $"[{packed.Version}]"), "{0} uses internals of {1}, so it must depend on exactly its version", friend, package);
            }
        }

        pairs.Should().BeEquivalentTo(["Ingestion.Core -> Ingestion.Orleans"], "a package uses another's internals only by decision (the rest share source files instead)");
        Dependencies("Ingestion.Sinks.WebSockets").Should().Contain(("Ingestion.Core", packed.Version), "a package that needs only public API takes any later version");
    }

    [Fact]
    public void EveryPublicPropertyOfEveryOptionsClass_HasARowInTheDocs()
    {
        // What a user can configure is in a table of docs/ with a default column ("| `Name` | 100 ms | …"). JobStartOptions
        // is an argument of one call, documented with it, not configuration.
        var rows = OptionRows();
        var missing = new List<string>();
        var seen = 0;
        foreach (var package in Packages)
        {
            foreach (var (type, properties) in PublicOptionsTypes(package).Where(t => t.Type != "JobStartOptions"))
            {
                seen++;
                missing.AddRange(properties.Where(p => !rows.Contains(p)).Select(p => $"{package}: {type}.{p}"));
            }
        }

        seen.Should().BeGreaterThanOrEqualTo(9, "the packages have that many options classes");
        missing.Should().BeEmpty("every option has a row with its default in docs/");
    }

    /// <summary>The names in the first column of every docs/ table whose header has a "default" column.</summary>
    private static HashSet<string> OptionRows()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repository.Root, "docs"), "*.md"))
        {
            string? header = null;
            foreach (var line in File.ReadLines(file))
            {
                if (!line.StartsWith('|'))
                {
                    header = null;
                    continue;
                }

                if (header is null)
                {
                    header = line;
                    continue;
                }

                var first = line.Split('|', StringSplitOptions.TrimEntries)[1];
                if (header.Contains("| default |", StringComparison.Ordinal) && first.Length > 2 && first[0] == '`' && first[^1] == '`')
                {
                    names.Add(first[1..^1]);
                }
            }
        }

        return names;
    }

    private IEnumerable<(string Type, string[] Properties)> PublicOptionsTypes(string package)
    {
        using var assembly = ReadAssembly(package);
        var metadata = assembly.GetMetadataReader();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(handle);
            var name = metadata.GetString(type.Name);
            if ((type.Attributes & System.Reflection.TypeAttributes.VisibilityMask) != System.Reflection.TypeAttributes.Public || !name.EndsWith("Options", StringComparison.Ordinal))
            {
                continue;
            }

            var properties = type.GetProperties().Select(metadata.GetPropertyDefinition)
                .Where(p => p.GetAccessors().Getter is { IsNil: false } getter
                    && (metadata.GetMethodDefinition(getter).Attributes & System.Reflection.MethodAttributes.MemberAccessMask) == System.Reflection.MethodAttributes.Public)
                .Select(p => metadata.GetString(p.Name)).ToArray();
            yield return (name, properties);
        }
    }

    private PEReader ReadAssembly(string package)
    {
        using var zip = Open(package);
        var stream = new MemoryStream();
        using (var dll = zip.GetEntry($"lib/net10.0/{package}.dll")!.Open())
        {
            dll.CopyTo(stream);
        }

        stream.Position = 0;
        return new PEReader(stream);
    }

    private ZipArchive Open(string package) => ZipFile.OpenRead(Path.Combine(Feed, $"{package}.{packed.Version}.nupkg"));

    private IEnumerable<string> Friends(string package)
    {
        using var pe = ReadAssembly(package);
        var metadata = pe.GetMetadataReader();
        var friends = new List<string>();
        foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var type = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
            if (type.Kind == HandleKind.TypeReference && metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)type).Name) == "InternalsVisibleToAttribute")
            {
                var blob = metadata.GetBlobReader(attribute.Value);
                blob.ReadUInt16(); // the prolog
                friends.Add(blob.ReadSerializedString()!.Split(',')[0]);
            }
        }

        return friends;
    }

    private List<(string Id, string Version)> Dependencies(string package)
    {
        using var zip = Open(package);
        return Nuspec(zip).Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (e.Attribute("id")!.Value, e.Attribute("version")!.Value)).ToList();
    }

    private static XDocument Nuspec(ZipArchive zip)
    {
        using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(nuspec);
    }

    [Fact]
    public async Task AnAppOutsideTheRepository_ReferencingThePackagesOnly_RunsAJob_WithTheConsoleAndWebSocketSinks()
    {
        var app = Directory.CreateDirectory(Path.Combine(packed.Root.FullName, "app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="ingestion-local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Ingestion.Core" Version="{packed.Version}" />
                <PackageReference Include="Ingestion.Sinks.Console" Version="{packed.Version}" />
                <PackageReference Include="Ingestion.Sinks.WebSockets" Version="{packed.Version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using System.Net.WebSockets;
            using System.Text;
            using Ingestion.Core;

            // snippet: docs/getting-started.md begin
            var builder = WebApplication.CreateBuilder(args);
            builder.Logging.ClearProviders();
            builder.Services.AddIngestion()
                .AddConsoleSink()
                .AddWebSocketSink()
                .ConfigureEndpoints(o => o.AllowAnonymous = true);  // to try it on your machine; operations.md sets a policy
            await using var app = builder.Build();
            app.UseWebSockets();
            app.MapIngestionWebSocket();                            // ws://<host>/api/admin/ingestion-progress
            await app.StartAsync();
            Console.WriteLine($"listening on {string.Join(", ", app.Urls)}");
            // snippet: docs/getting-started.md end

            var jobs = app.Services.GetRequiredService<IJobManager>();
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(app.Urls.First().Replace("http", "ws") + "/api/admin/ingestion-progress"), CancellationToken.None);
            var job = await jobs.StartAsync((context, ct) => context.ForEachAsync(Enumerable.Range(0, 20), async (i, token) =>
            {
                await Task.Delay(5, token);
                return ItemOutcome.Succeeded;
            }), new JobStartOptions { Name = "packaged" });

            var buffer = new byte[64 * 1024];
            var types = new List<string>();
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                var text = Encoding.UTF8.GetString(buffer, 0, received.Count);
                var type = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("type").GetString()!;
                types.Add(type);
                if (type == "completed")
                {
                    break;
                }
            }

            var final = await jobs.GetAsync(job.Id);
            Console.WriteLine($"websocket: {types.Count} messages, last {types[^1]}");
            Console.WriteLine($"job: {final!.State}, {final.Progress.Succeeded} succeeded");
            await app.StopAsync();
            """);

        var output = await RunAsync(app, "dotnet", "run", "-c", "Release", "--", "--urls", "http://127.0.0.1:0");

        output.Should().Contain("job: Completed, 20 succeeded");
        output.Should().MatchRegex(@"websocket: \d+ messages, last completed");
        output.Should().Contain("packaged", "the console sink printed the job's lines");
        output.Should().MatchRegex(@"listening on http://127\.0\.0\.1:\d+", "the app says where it listens");
    }

    // The commands of docs/getting-started.md, as a newcomer types them (the page shows them word for word).
    private static readonly string[] GettingStartedCommands =
    [
        "dotnet new console -o Hello",
        "dotnet new nugetconfig",
        "dotnet nuget add source ~/ingestion-packages -n ingestion-local --configfile nuget.config",
        "dotnet add package Ingestion.Sinks.Console",
        "dotnet add package Microsoft.Extensions.Hosting",
        "dotnet run",
    ];

    // The page's pack command; the fixture runs it (with --no-build and a version of its own).
    private const string PackCommand = "dotnet pack Ingestion.Packages.slnf -c Release -o ~/ingestion-packages";

    [Fact]
    public async Task TheGettingStartedProgram_InAnAppMadeWithThePagesCommands_ShowsItsJob_PausedResumedAndCompleted()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "getting-started.md"));
        var at = -1;
        foreach (var command in GettingStartedCommands.Prepend(PackCommand))
        {
            page.Should().Contain(command, "docs/getting-started.md tells a newcomer to run it");
            page.IndexOf(command, StringComparison.Ordinal).Should().BeGreaterThan(at, "the page gives the commands in the order they run ({0})", command);
            at = page.IndexOf(command, StringComparison.Ordinal);
        }

        var root = Directory.CreateDirectory(Path.Combine(packed.Root.FullName, "getting-started")).FullName;
        var hello = Path.Combine(root, "Hello");
        var output = new StringBuilder();
        foreach (var command in GettingStartedCommands)
        {
            if (command == "dotnet run")
            {
                File.Copy(Path.Combine(Repository.Root, "tests", "Ingestion.Packaging.Tests", "GettingStarted", "Program.cs"), Path.Combine(hello, "Program.cs"), overwrite: true);
            }

            // The packed folder stands for ~/ingestion-packages, and this run's version is asked for by name (a
            // newcomer gets the newest, which is what the folder has).
            var arguments = command.Replace("~/ingestion-packages", Feed, StringComparison.Ordinal).Split(' ').Skip(1).ToList();
            if (command == "dotnet add package Ingestion.Sinks.Console")
            {
                arguments.AddRange(["--version", packed.Version]);
            }

            output.Append(await RunAsync(Directory.Exists(hello) ? hello : root, "dotnet", [.. arguments]));
        }

        var text = output.ToString();
        text.Should().MatchRegex(@"\[hello [0-9a-f]{8}\] Completed: 400/400 processed \(396 succeeded, 4 failed, 0 skipped\)");
        text.Should().MatchRegex(@"\[hello [0-9a-f]{8}\] Pausing -> Paused", "the console sink (plain, as the output is redirected) showed the pause");
        text.Should().MatchRegex(@"\[hello [0-9a-f]{8}\] Paused -> Running");
        Directory.GetFiles(Path.Combine(hello, "obj"), "project.assets.json").Should().ContainSingle();
        (await File.ReadAllTextAsync(Path.Combine(hello, "obj", "project.assets.json"))).Should().Contain($"Ingestion.Core/{packed.Version}", "the app got Ingestion.Core through the console sink's package, from the folder");
    }

    internal static async Task<string> RunAsync(string directory, string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var reading = Task.WhenAll(Copy(process.StandardOutput), Copy(process.StandardError));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        await reading;
        process.ExitCode.Should().Be(0, "{0} {1} in {2} failed:\n{3}", command, string.Join(' ', arguments), directory, output);
        return output.ToString();

        async Task Copy(StreamReader reader)
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }
    }
}

/// <summary>Every src project packed once into a folder of its own, with a version of its own.</summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public static readonly string[] Packages =
    [
        "Ingestion.Core", "Ingestion.AspNetCore", "Ingestion.Sinks.WebSockets", "Ingestion.Sinks.SignalR", "Ingestion.Sinks.Console",
        "Ingestion.HuggingFace", "Ingestion.HuggingFace.AspNetCore", "Ingestion.Storage.Sqlite", "Ingestion.Storage.PostgreSql", "Ingestion.Orleans",
    ];

    /// <summary>The solution filter of the packable projects (src/ only: no sample, so no Node.js needed).</summary>
    public const string PackagesFilter = "Ingestion.Packages.slnf";

    // A version of its own, so that no package of an earlier run in the NuGet cache stands in for these.
    public string Version { get; } = "0.1.0-pack." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

    public DirectoryInfo Root { get; } = Directory.CreateTempSubdirectory("ingestion-packages-");

    public string Feed => Path.Combine(Root.FullName, "packages");

    public async Task InitializeAsync()
    {
        // The command docs/getting-started.md gives (PackCommand), on the assemblies the solution's build made, with a
        // version of this run's own.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        await PackagesTests.RunAsync(Repository.Root, "dotnet", "pack", PackagesFilter, "-c", configuration, "--no-build", "-o", Feed, "-p:Version=" + Version);
        Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.csproj", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension)
            .Should().BeEquivalentTo(Packages, "every project under src/ is a package, and this list names them all");
        foreach (var package in Packages)
        {
            File.Exists(Path.Combine(Feed, $"{package}.{Version}.nupkg")).Should().BeTrue($"{PackagesFilter} packs {package}");
        }
    }

    public Task DisposeAsync()
    {
        Root.Delete(recursive: true);

        // This run's packages leave the NuGet cache too (each run has a version of its own).
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var package in Packages)
        {
            var folder = Path.Combine(cache, package.ToLowerInvariant(), Version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        return Task.CompletedTask;
    }
}
