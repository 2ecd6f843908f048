using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ingestion.AspNetCore.Tests;

public class IngestionEndpointsTests
{
    [Fact]
    public async Task StartIngestion_Answers202AtOnce_WithTheJobIdStateAndLinks_AndTheJobRunsToTheEnd()
    {
        await using var host = await EndpointsHost.StartAsync();

        var response = await host.Client.StartAsync(new { items = 5, dataset = "arc" }, "?name=ARC1");

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var body = await response.JsonAsync();
        var jobId = body.GetProperty("jobId").GetString()!;
        jobId.Should().MatchRegex("^[0-9a-f]{32}$");
        body.GetProperty("state").GetString().Should().BeOneOf("queued", "running");
        body.GetProperty("job").GetProperty("name").GetString().Should().Be("ARC1");
        body.GetProperty("job").GetProperty("kind").GetString().Should().Be(CountingJob.Kind);
        var links = body.GetProperty("links");
        links.GetProperty("self").GetString().Should().Be($"/api/admin/ingestion-jobs/{jobId}");
        links.GetProperty("pause").GetString().Should().Be($"/api/admin/pause-ingestion/{jobId}");
        response.Headers.Location!.ToString().Should().Be($"/api/admin/ingestion-jobs/{jobId}");

        var final = await host.Client.WaitForStateAsync(jobId, "completed");
        final.GetProperty("progress").GetProperty("succeeded").GetInt64().Should().Be(5);
        final.GetProperty("progress").GetProperty("elapsed").ValueKind.Should().Be(JsonValueKind.Number, "durations are seconds on the wire");
        final.GetProperty("parameters").GetProperty("dataset").GetString().Should().Be("arc");
    }

    [Fact]
    public async Task PauseResumeCancel_AnswerWithTheJobsNewState()
    {
        await using var host = await EndpointsHost.StartAsync();
        var jobId = (await (await host.Client.StartAsync(new { items = 100_000, delayMs = 5 })).JsonAsync()).GetProperty("jobId").GetString()!;
        await host.Client.WaitForStateAsync(jobId, "running");

        var pause = await (await host.Client.PostAsync($"api/admin/pause-ingestion/{jobId}", null)).JsonAsync();
        pause.GetProperty("status").GetString().Should().Be("applied");
        pause.GetProperty("state").GetString().Should().Be("pausing");
        await host.Client.WaitForStateAsync(jobId, "paused");

        var again = await (await host.Client.PostAsync($"api/admin/pause-ingestion/{jobId}", null)).JsonAsync();
        again.GetProperty("status").GetString().Should().Be("unchanged");

        var resume = await host.Client.PostAsync($"api/admin/resume-ingestion/{jobId}", null);
        resume.StatusCode.Should().Be(HttpStatusCode.OK);
        (await resume.JsonAsync()).GetProperty("state").GetString().Should().Be("running");

        var cancel = await (await host.Client.PostAsync($"api/admin/cancel-ingestion/{jobId}", null)).JsonAsync();
        cancel.GetProperty("status").GetString().Should().Be("applied");
        cancel.GetProperty("job").GetProperty("isCancellationRequested").GetBoolean().Should().BeTrue();
        await host.Client.WaitForStateAsync(jobId, "cancelled");
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("cancel")]
    public async Task Commands_OnAnUnknownJob_Answer404_WithTheJobNotFoundType(string command)
    {
        await using var host = await EndpointsHost.StartAsync();

        var response = await host.Client.PostAsync($"api/admin/{command}-ingestion/0123456789abcdef0123456789abcdef", null);

        await ShouldBeProblem(response, HttpStatusCode.NotFound, IngestionProblemTypes.JobNotFound);
    }

    [Fact]
    public async Task AnIllegalTransition_Answers409_SayingTheCurrentState()
    {
        await using var host = await EndpointsHost.StartAsync();
        var jobId = (await (await host.Client.StartAsync(new { items = 1 })).JsonAsync()).GetProperty("jobId").GetString()!;
        await host.Client.WaitForStateAsync(jobId, "completed");

        var response = await host.Client.PostAsync($"api/admin/resume-ingestion/{jobId}", null);

        var problem = await ShouldBeProblem(response, HttpStatusCode.Conflict, IngestionProblemTypes.InvalidTransition);
        problem.GetProperty("state").GetString().Should().Be("completed");
        problem.GetProperty("detail").GetString().Should().Contain("completed");
    }

    [Fact]
    public async Task Start_WithInvalidParameters_Answers400_ListingEveryProblem()
    {
        await using var host = await EndpointsHost.StartAsync();

        var response = await host.Client.StartAsync(new { items = 0, delayMs = -1, dataset = "" });

        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest, IngestionProblemTypes.InvalidParameters);
        var errors = problem.GetProperty("errors");
        errors.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("items", "delayMs", "dataset");
    }

    [Fact]
    public async Task Start_WithAnUnknownParameter_Answers400_NamingIt()
    {
        await using var host = await EndpointsHost.StartAsync();

        var response = await host.Client.StartAsync(new { itemz = 3 });

        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest, IngestionProblemTypes.InvalidParameters);
        problem.GetProperty("detail").GetString().Should().Contain("itemz");
    }

    [Fact]
    public async Task Start_WithAnUnknownKind_Answers400_NamingTheRegisteredKinds()
    {
        await using var host = await EndpointsHost.StartAsync();

        var response = await host.Client.StartAsync(new { items = 3 }, "?kind=nope");

        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest, IngestionProblemTypes.UnknownKind);
        problem.GetProperty("detail").GetString().Should().Contain("nope").And.Contain(CountingJob.Kind);
    }

    [Fact]
    public async Task Start_WithoutAKind_WhenSeveralAreRegistered_Answers400_UnlessADefaultIsSet()
    {
        await using (var host = await EndpointsHost.StartAsync(i => i.AddJob<CountingJob, CountingParameters>("other").ConfigureEndpoints(o => o.AllowAnonymous = true)))
        {
            await ShouldBeProblem(await host.Client.StartAsync(new { items = 3 }), HttpStatusCode.BadRequest, IngestionProblemTypes.UnknownKind);
        }

        await using (var host = await EndpointsHost.StartAsync(i => i.AddJob<CountingJob, CountingParameters>("other").ConfigureEndpoints(o =>
        {
            o.AllowAnonymous = true;
            o.DefaultKind = "other";
        })))
        {
            var started = await (await host.Client.StartAsync(new { items = 3 })).JsonAsync();
            started.GetProperty("job").GetProperty("kind").GetString().Should().Be("other");
        }
    }

    [Fact]
    public async Task Start_WithMalformedJson_Answers400()
    {
        await using var host = await EndpointsHost.StartAsync();

        var response = await host.Client.PostAsync("api/admin/start-ingestion", new StringContent("{ \"items\": 3,", Encoding.UTF8, "application/json"));

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, IngestionProblemTypes.InvalidJson);
    }

    [Fact]
    public async Task Start_WithABodyThatIsNotJson_Answers415()
    {
        await using var host = await EndpointsHost.StartAsync();

        var response = await host.Client.PostAsync("api/admin/start-ingestion", new StringContent("items=3", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await ShouldBeProblem(response, HttpStatusCode.UnsupportedMediaType, IngestionProblemTypes.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("[1, 2, 3]")]
    [InlineData("\"items\"")]
    [InlineData("null")]
    public async Task Start_WithJsonThatIsNotAnObject_Answers400(string json)
    {
        await using var host = await EndpointsHost.StartAsync();

        var response = await host.Client.PostAsync("api/admin/start-ingestion", new StringContent(json, Encoding.UTF8, "application/json"));

        if (json == "null")
        {
            response.StatusCode.Should().Be(HttpStatusCode.Accepted, "null parameters are no parameters, and the kind's defaults are valid");
        }
        else
        {
            await ShouldBeProblem(response, HttpStatusCode.BadRequest, IngestionProblemTypes.InvalidParameters);
        }
    }

    [Fact]
    public async Task Start_WithoutABody_StartsTheKindWithItsDefaults()
    {
        await using var host = await EndpointsHost.StartAsync();

        var response = await host.Client.PostAsync("api/admin/start-ingestion", null);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Start_WhileTheHostStops_Answers503()
    {
        await using var host = await EndpointsHost.StartAsync();
        await host.Services.GetRequiredService<JobManager>().ShutdownAsync();

        var response = await host.Client.StartAsync(new { items = 3 });

        await ShouldBeProblem(response, HttpStatusCode.ServiceUnavailable, IngestionProblemTypes.ShuttingDown);
    }

    [Fact]
    public async Task GetJob_AnswersItsSnapshot_Or404()
    {
        await using var host = await EndpointsHost.StartAsync();
        var jobId = (await (await host.Client.StartAsync(new { items = 2 })).JsonAsync()).GetProperty("jobId").GetString()!;

        var job = await host.Client.WaitForStateAsync(jobId, "completed");
        job.GetProperty("id").GetString().Should().Be(jobId);
        await ShouldBeProblem(await host.Client.GetAsync("api/admin/ingestion-jobs/nope"), HttpStatusCode.NotFound, IngestionProblemTypes.JobNotFound);
    }

    [Fact]
    public async Task ListJobs_AnswersTheLiveJobs_AndHistory_TheFinishedOnes_NewestFirst_Paged()
    {
        await using var host = await EndpointsHost.StartAsync();
        var finished = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = (await (await host.Client.StartAsync(new { items = 1 })).JsonAsync()).GetProperty("jobId").GetString()!;
            await host.Client.WaitForStateAsync(id, "completed");
            await host.Client.WaitForHistoryAsync(id);
            finished.Add(id);
        }

        var live = (await (await host.Client.StartAsync(new { items = 100_000, delayMs = 5 })).JsonAsync()).GetProperty("jobId").GetString()!;

        var jobs = await (await host.Client.GetAsync("api/admin/ingestion-jobs")).JsonAsync();
        jobs.EnumerateArray().Select(j => j.GetProperty("id").GetString()).Should().Equal(live);

        var history = await (await host.Client.GetAsync("api/admin/ingestion-history?limit=2")).JsonAsync();
        history.GetProperty("totalCount").GetInt32().Should().Be(3);
        history.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()).Should().Equal(finished[2], finished[1]);
        var second = await (await host.Client.GetAsync("api/admin/ingestion-history?limit=2&offset=2")).JsonAsync();
        second.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()).Should().Equal(finished[0]);

        // The history reads the store: the record that says Running is written a moment after the job starts running.
        JsonElement running = default;
        await Wait.UntilAsync(
            async () =>
            {
                running = await (await host.Client.GetAsync("api/admin/ingestion-history?state=running")).JsonAsync();
                return running.GetProperty("items").GetArrayLength() > 0;
            },
            "the store has the live job as running");
        running.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()).Should().Equal(live);
        await host.Client.PostAsync($"api/admin/cancel-ingestion/{live}", null);
    }

    [Fact]
    public async Task History_FiltersOnAParameter_SuchAsTheDataset()
    {
        await using var host = await EndpointsHost.StartAsync();
        var ids = new Dictionary<string, string>();
        foreach (var dataset in (string[])["arcprize/v1", "arcprize/v2", "arcprize/v1"])
        {
            var id = (await (await host.Client.StartAsync(new { items = 1, dataset })).JsonAsync()).GetProperty("jobId").GetString()!;
            await host.Client.WaitForStateAsync(id, "completed");
            await host.Client.WaitForHistoryAsync(id);
            ids[id] = dataset;
        }

        var page = await (await host.Client.GetAsync("api/admin/ingestion-history?parameters.dataset=arcprize%2Fv1&state=completed")).JsonAsync();

        page.GetProperty("totalCount").GetInt32().Should().Be(2);
        page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString())
            .Should().Equal(ids.Where(p => p.Value == "arcprize/v1").Select(p => p.Key).Reverse());
        var none = await (await host.Client.GetAsync("api/admin/ingestion-history?parameters.dataset=arcprize%2Fv3")).JsonAsync();
        none.GetProperty("totalCount").GetInt32().Should().Be(0);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=1001")]
    [InlineData("?limit=abc")]
    [InlineData("?offset=-1")]
    [InlineData("?state=sleeping")]
    [InlineData("?state=3")]
    [InlineData("?parameters.=x")]
    [InlineData("?parameters.data%20set=x")]
    [InlineData("?parameters.dataset=a&parameters.dataset=b")]
    public async Task History_WithABadQuery_Answers400(string query)
    {
        await using var host = await EndpointsHost.StartAsync();

        var response = await host.Client.GetAsync($"api/admin/ingestion-history{query}");

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, IngestionProblemTypes.InvalidQuery);
    }

    [Fact]
    public async Task NoBadRequest_EverGetsA500()
    {
        await using var host = await EndpointsHost.StartAsync();
        var requests = new Func<Task<HttpResponseMessage>>[]
        {
            () => host.Client.PostAsync("api/admin/start-ingestion", new StringContent("\u0000\u0001", Encoding.UTF8, "application/json")),
            () => host.Client.PostAsync("api/admin/start-ingestion", new StringContent("{\"items\": \"many\"}", Encoding.UTF8, "application/json")),
            () => host.Client.PostAsync("api/admin/start-ingestion", new StringContent("{\"items\": 1e400}", Encoding.UTF8, "application/json")),
            () => host.Client.PostAsync("api/admin/start-ingestion", new StringContent(new string('[', 5000), Encoding.UTF8, "application/json")),
            () => host.Client.PostAsync("api/admin/start-ingestion", new StringContent("{}", Encoding.UTF8, "text/plain")),
            () => host.Client.PostAsync("api/admin/start-ingestion", new StringContent("{}", Encoding.UTF8, "application/problem+json")),
            () => host.Client.PostAsync("api/admin/start-ingestion?kind=", new StringContent("{}", Encoding.UTF8, "application/json")),
            () => host.Client.PostAsync("api/admin/pause-ingestion/%20", null),
            () => host.Client.PostAsync("api/admin/resume-ingestion/" + new string('a', 2000), null),
            () => host.Client.GetAsync("api/admin/ingestion-jobs/..%2F..%2Fetc"),
            () => host.Client.GetAsync("api/admin/ingestion-history?limit=99999999999999999999"),
        };

        foreach (var request in requests)
        {
            var response = await request();
            ((int)response.StatusCode).Should().BeLessThan(500, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Mapping_WithNeitherAPolicyNorAnonymousAccess_FailsAtStartUp_SayingWhatToDo()
    {
        var start = async () => await EndpointsHost.StartAsync(_ => { });

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("AuthorizationPolicy").And.Contain("AllowAnonymous");
    }

    private static async Task<JsonElement> ShouldBeProblem(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        problem.GetProperty("type").GetString().Should().Be(type);
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        return problem;
    }
}
