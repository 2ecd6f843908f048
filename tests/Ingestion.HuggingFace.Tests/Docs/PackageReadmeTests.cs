using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingestion.HuggingFace.Tests.Docs;

/// <summary>
/// The code of the READMEs of Ingestion.HuggingFace and Ingestion.HuggingFace.AspNetCore (the packages' pages on NuGet),
/// compiled and run. They name the folder a server would have ("/data/ARC-AGI"), which this machine has not: the run
/// shows the wiring reaches it and says so.
/// </summary>
public sealed class PackageReadmeTests
{
    [Fact]
    public async Task TheHuggingFaceReadme_RegistersTheJob_AndAJobStartedAsItSays_LooksForItsTaskFolder()
    {
        var services = new ServiceCollection().AddLogging();
        // snippet: src/Ingestion.HuggingFace/README.md begin
        services.AddIngestion()
            .AddHuggingFaceIngestion(o =>
            {
                o.Tasks.AddArcAgi1("/data/ARC-AGI");           // training/ and evaluation/
                o.Hub.CacheDirectory = "/var/cache/ingestion"; // a re-run downloads nothing
            });                                                // the token comes from HF_TOKEN
        // snippet: src/Ingestion.HuggingFace/README.md end
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<IJobManager>();

        // snippet: src/Ingestion.HuggingFace/README.md begin
        var job = await manager.StartAsync(HuggingFaceIngestionJob.Kind, new HuggingFaceIngestionParameters
        {
            Dataset = "arcprize/arc_agi_v1_public_eval",       // the task set is detected from the name
            ModelFolder = "claude-opus-4-5-20251101-thinking-16k",
        });
        // snippet: src/Ingestion.HuggingFace/README.md end

        var final = await manager.WaitForCompletionAsync(job.Id).OrTimeout();
        final.State.Should().Be(JobState.Failed);
        final.Error!.Type.Should().Be(typeof(DirectoryNotFoundException).FullName);
        final.Error.Message.Should().Contain("/data/ARC-AGI");
    }

    [Fact]
    public async Task TheHuggingFaceAspNetCoreReadme_MapsTheEndpoints_AndAMissingTaskFolderFailsAtStartUp_SayingWhich()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // snippet: src/Ingestion.HuggingFace.AspNetCore/README.md begin
        builder.Services.AddIngestion()
            .AddHuggingFaceIngestion(o => o.Tasks.AddArcAgi1("/data/ARC-AGI"))
            .ConfigureEndpoints(o => o.AuthorizationPolicy = "ingestion-admin");
        // snippet: src/Ingestion.HuggingFace.AspNetCore/README.md end
        await using var app = builder.Build();
        var map = () =>
        {
            // snippet: src/Ingestion.HuggingFace.AspNetCore/README.md begin
            app.MapIngestionEndpoints();     // start-ingestion?kind=huggingface, pause, resume, cancel, history
            app.MapHuggingFaceEndpoints();   // validate-ingestion, hf-folders
            // snippet: src/Ingestion.HuggingFace.AspNetCore/README.md end
        };

        // The HuggingFace endpoints take the job's options when they are mapped: a host whose task folder is not
        // there (this machine has no /data/ARC-AGI) fails at start-up, saying which folder.
        map.Should().Throw<DirectoryNotFoundException>().WithMessage("*/data/ARC-AGI*training/*");
        ReadmeWiring.ShouldMapBehindPolicy(app, "ingestion-admin", "/api/admin/start-ingestion");   // mapped before the failure
    }
}
