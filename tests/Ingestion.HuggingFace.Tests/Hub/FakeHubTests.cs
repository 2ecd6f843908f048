using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Ingestion.HuggingFace.Tests.Hub;

/// <summary>The fake Hub's own behaviour where the client does not exercise it (ranges, HEAD, headers), checked with a plain HttpClient.</summary>
public sealed class FakeHubTests : IAsyncLifetime
{
    private HubTestBed _bed = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _bed = await HubTestBed.StartAsync();
        _bed.Hub.ResolveMode = FakeHubResolveMode.Direct;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = _bed.Hub.Endpoint };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _bed.DisposeAsync();
    }

    private static string BigUrl => $"datasets/{HubTestBed.Generated}/resolve/main/{HubTestBed.BigFile}";

    [Theory]
    [InlineData(10L, 19L, 10L, 19L)]
    [InlineData(262_000L, null, 262_000L, 262_143L)]
    [InlineData(null, 100L, 262_044L, 262_143L)]
    [InlineData(262_000L, 999_999L, 262_000L, 262_143L)]
    public async Task ARange_IsAnsweredWith206AndItsContentRange(long? from, long? to, long first, long last)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, BigUrl);
        request.Headers.Range = new RangeHeaderValue(from, to);

        using var response = await _http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange!.ToString().Should().Be($"bytes {first}-{last}/262144");
        bytes.Should().Equal(HubTestBed.RandomBytes(256 * 1024, seed: 1)[(int)first..(int)(last + 1)]);
    }

    [Fact]
    public async Task ARangeBeyondTheEnd_Is416()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, BigUrl);
        request.Headers.Range = new RangeHeaderValue(262_144, null);

        using var response = await _http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestedRangeNotSatisfiable);
        response.Content.Headers.ContentRange!.ToString().Should().Be("bytes */262144");
    }

    [Fact]
    public async Task AHead_HasTheFileHeadersAndNoBody()
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, BigUrl));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("X-Repo-Commit").Single().Should().Be(_bed.Hub.CommitOf(HubTestBed.Generated));
        response.Headers.ETag!.Tag.Should().Be($"\"{_bed.Hub.ETagOf(HubTestBed.Generated, HubTestBed.BigFile)}\"");
        response.Headers.AcceptRanges.Should().Contain("bytes");
        response.Content.Headers.ContentLength.Should().Be(262_144);
        (await response.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        response.Headers.Contains("X-Xet-Hash").Should().BeFalse();
    }

    [Fact]
    public async Task AnLfsFile_RedirectsToTheCdn_WhichSendsNoHubHeaders()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.ByFileKind;
        var lfsETag = _bed.Hub.ETagOf(HubTestBed.Generated, HubTestBed.LfsFile);

        using var redirect = await _http.GetAsync($"datasets/{HubTestBed.Generated}/resolve/main/{HubTestBed.LfsFile}");
        using var cdn = await _http.GetAsync(redirect.Headers.Location);

        redirect.StatusCode.Should().Be(HttpStatusCode.Found);
        redirect.Headers.Location!.Authority.Should().Be(_bed.Hub.CdnEndpoint.Authority);
        redirect.Headers.GetValues("X-Linked-Etag").Single().Should().Be($"\"{lfsETag}\"");
        redirect.Headers.GetValues("X-Linked-Size").Single().Should().Be("65536");
        cdn.StatusCode.Should().Be(HttpStatusCode.OK);
        cdn.Headers.Select(h => h.Key).Should().NotContain(k => k.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || k.StartsWith("RateLimit", StringComparison.OrdinalIgnoreCase));
        cdn.Headers.ETag!.Tag.Should().NotContain(lfsETag, "the CDN's etag is its own");
    }

    [Fact]
    public async Task TheCdn_RefusesARequestThatAlsoCarriesAToken()
    {
        _bed.Hub.ResolveMode = FakeHubResolveMode.CdnRedirect;
        using var redirect = await _http.GetAsync(BigUrl);
        using var request = new HttpRequestMessage(HttpMethod.Get, redirect.Headers.Location);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HubTestBed.Token);

        using var response = await _http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Only one auth mechanism allowed");
    }

    [Fact]
    public async Task AMissingFile_Is404EntryNotFound_WithTheErrorHeadersAndBody()
    {
        using var response = await _http.GetAsync($"datasets/{HubTestBed.Generated}/resolve/main/nope.json");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Headers.GetValues("X-Error-Code").Single().Should().Be("EntryNotFound");
        response.Headers.GetValues("X-Error-Message").Single().Should().Be("Entry not found");
        response.Headers.GetValues("X-Repo-Commit").Single().Should().Be(_bed.Hub.CommitOf(HubTestBed.Generated));
        response.Headers.GetValues("RateLimit").Single().Should().MatchRegex("^\"resolvers\";r=\\d+;t=\\d+$");
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString().Should().Be("Entry not found");
    }

    [Fact]
    public async Task ATokenItDoesNotKnow_Is401InvalidCredentials()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/datasets/{HubTestBed.Generated}/tree/main");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "hf_unknown");

        using var response = await _http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.GetValues("X-Error-Message").Single().Should().Be(FakeHub.InvalidCredentialsMessage);
    }

    [Theory]
    [InlineData("true", 5)]
    [InlineData("1", 5)]
    [InlineData("false", 3)]
    [InlineData("0", 3)]
    public async Task TheTree_TakesBooleansAsWordsOrDigits(string recursive, int entries)
    {
        using var response = await _http.GetAsync($"api/datasets/{HubTestBed.Generated}/tree/main?recursive={recursive}&expand=1");

        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        root.GetArrayLength().Should().Be(entries);
        root.EnumerateArray().Should().OnlyContain(e => e.GetProperty("lastCommit").GetProperty("id").GetString() == _bed.Hub.CommitOf(HubTestBed.Generated, "main"));
        response.Headers.GetValues("RateLimit-Policy").Single().Should().Be("\"fixed window\";\"api\";q=1000;w=300");
    }

    [Fact]
    public async Task TheTree_RefusesABooleanItDoesNotKnow()
    {
        using var response = await _http.GetAsync($"api/datasets/{HubTestBed.Generated}/tree/main?recursive=yes");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
