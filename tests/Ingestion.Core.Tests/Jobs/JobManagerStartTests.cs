using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Ingestion.Core.Tests.Jobs;

public class JobManagerStartTests
{
    private static readonly JobRegistration Import = JobRegistration.Create("import", (_, _) => Task.CompletedTask, typeof(ImportParameters));

    [Fact]
    public async Task Start_OfAnUnknownKind_Throws_NamingTheKindsThatExist()
    {
        await using var fixture = new ManagerFixture(jobs: [Import]);

        var start = async () => await fixture.Manager.StartAsync("imprt", Json("{}"));

        var error = (await start.Should().ThrowAsync<JobStartException>()).Which;
        error.Kind.Should().Be("imprt");
        error.Failure.Should().Be(JobStartFailure.UnknownKind);
        error.Message.Should().Contain("'imprt'").And.Contain("import");
    }

    [Fact]
    public async Task Start_WithInvalidParameters_ListsEveryProblem_AndStartsNothing()
    {
        await using var fixture = new ManagerFixture(jobs: [Import]);

        var start = async () => await fixture.Manager.StartAsync("import", Json("""{ "dataset": "", "limit": -5 }"""));

        var error = (await start.Should().ThrowAsync<JobStartException>()).Which;
        error.Failure.Should().Be(JobStartFailure.InvalidParameters);
        error.Errors.Select(e => e.Member).Should().BeEquivalentTo("dataset", "limit");
        error.Message.Should().Contain("dataset").And.Contain("limit");
        (await fixture.Manager.ListLiveAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Start_WithAnUnknownParameter_SaysWhichOne()
    {
        await using var fixture = new ManagerFixture(jobs: [Import]);

        var start = async () => await fixture.Manager.StartAsync("import", Json("""{ "dataset": "arc", "limt": 5 }"""));

        (await start.Should().ThrowAsync<JobStartException>()).Which.Message.Should().Contain("limt");
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    public async Task Start_WithParametersThatAreNotAnObject_IsRefused(string json)
    {
        await using var fixture = new ManagerFixture(jobs: [Import]);

        var start = async () => await fixture.Manager.StartAsync("import", Json(json));

        (await start.Should().ThrowAsync<JobStartException>()).Which.Message.Should().Contain("JSON object");
    }

    [Fact]
    public async Task Start_WithValidParameters_KeepsThemOnTheJob()
    {
        await using var fixture = new ManagerFixture(jobs: [Import]);

        var job = await fixture.Manager.StartAsync("import", Json("""{ "dataset": "arcprize/arc_agi_v1_public_eval", "limit": 5 }"""), new JobStartOptions { Name = "ARC1" });

        job.Kind.Should().Be("import");
        job.Name.Should().Be("ARC1");
        job.Parameters.GetProperty("limit").GetInt32().Should().Be(5);
        (await fixture.Store.GetAsync(job.Id, CancellationToken.None))!.Parameters.GetProperty("dataset").GetString().Should().Be("arcprize/arc_agi_v1_public_eval");
    }

    [Fact]
    public void Registration_OfTheReservedDelegateKind_IsRefused()
    {
        var register = () => JobRegistration.Create(JobRegistration.DelegateKind, (_, _) => Task.CompletedTask);

        register.Should().Throw<ArgumentException>().WithMessage("*reserved*");
    }

    [Fact]
    public void Manager_WithTheSameKindTwice_IsRefused()
    {
        var create = () => new JobManager(new IngestionOptions(), jobs: [Import, Import]);

        create.Should().Throw<ArgumentException>().WithMessage("*'import'*twice*");
    }

    [Fact]
    public void Manager_WithInvalidOptions_ListsEveryProblem()
    {
        var create = () => new JobManager(new IngestionOptions { MaxConcurrentJobs = 0, JournalCapacity = 0, ProgressInterval = TimeSpan.Zero });

        var error = create.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().Which;
        error.Failures.Should().HaveCount(3);
        error.Message.Should().Contain("MaxConcurrentJobs").And.Contain("JournalCapacity").And.Contain("ProgressInterval");
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    internal sealed class ImportParameters
    {
        [Required(AllowEmptyStrings = false)]
        public string Dataset { get; set; } = "";

        [Range(1, int.MaxValue)]
        public int? Limit { get; set; }
    }
}
