using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ingestion.Core.Tests.Docs;

/// <summary>The sink written in docs/writing-a-sink.md, held to the contract every sink meets.</summary>
public class JsonLinesSinkTests : ProgressSinkContractTests
{
    protected override ValueTask<IProgressSink> CreateSinkAsync() => new(new JsonLinesSink(new StringWriter()));

    [Fact]
    public async Task WritesOneJsonObjectPerEvent_WithItsType()
    {
        var output = new StringWriter();
        var sink = new JsonLinesSink(output);

        foreach (var jobEvent in SampleEvents.OneOfEachKind("job-1"))
        {
            await sink.EmitAsync(jobEvent, CancellationToken.None);
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(6);
        var kinds = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString());
        kinds.Should().Equal("snapshot", "state", "progress", "log", "gap", "completed");
        JsonDocument.Parse(lines[3]).RootElement.GetProperty("message").GetString().Should().StartWith("f3e62deb");
    }
}

// snippet: docs/writing-a-sink.md begin
/// <summary>Writes every job event as one line of JSON (camelCase, enums as strings).</summary>
public sealed class JsonLinesSink(TextWriter output) : IProgressSink
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public async ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
    {
        // The dispatcher calls a sink with one event at a time, so no lock is needed here.
        var line = JsonSerializer.Serialize(jobEvent, Json); // as a JobEvent: with its "type" first
        await output.WriteLineAsync(line.AsMemory(), cancellationToken);
        await output.FlushAsync(cancellationToken);
    }
}
// snippet: docs/writing-a-sink.md end
