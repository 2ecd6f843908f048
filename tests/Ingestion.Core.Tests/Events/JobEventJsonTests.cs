using System.Text.Json;

namespace Ingestion.Core.Tests.Events;

public class JobEventJsonTests
{
    [Fact]
    public void AnEventAsJson_StartsWithItsType_AndDoesNotRepeatItAsKind()
    {
        foreach (var jobEvent in SampleEvents.OneOfEachKind("job-1"))
        {
            var json = JsonDocument.Parse(JsonSerializer.Serialize(jobEvent, JsonSerializerOptions.Web)).RootElement;

            var names = json.EnumerateObject().Select(p => p.Name).ToList();
            names[0].Should().Be("type");
            json.GetProperty("type").GetString().Should().Be(jobEvent.Kind switch
            {
                JobEventKind.State => "state",
                var kind => kind.ToString().ToLowerInvariant(),
            });
            names.Should().NotContain("kind", "the type says it already");
            names.Should().Contain(["jobId", "seq", "timestamp"]);

            var back = JsonSerializer.Deserialize<JobEvent>(json.GetRawText(), JsonSerializerOptions.Web)!;
            back.GetType().Should().Be(jobEvent.GetType());
            back.Seq.Should().Be(jobEvent.Seq);
        }
    }
}
