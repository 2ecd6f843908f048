using Ingestion.Sinks.Console.Implementation;
using Spectre.Console.Testing;

namespace Ingestion.Sinks.Console.Tests;

/// <summary>The sink contract, with plain lines to a writer.</summary>
public sealed class PlainConsoleSinkContractTests : ProgressSinkContractTests
{
    protected override ValueTask<IProgressSink> CreateSinkAsync() =>
        new(new ConsoleDisplay(new ConsoleSinkOptions { Mode = ConsoleSinkMode.Plain, Output = new StringWriter() }));
}

/// <summary>The sink contract, with the live table on a test console.</summary>
public sealed class LiveConsoleSinkContractTests : ProgressSinkContractTests
{
    protected override ValueTask<IProgressSink> CreateSinkAsync() => new(new ConsoleDisplay(new ConsoleSinkOptions
    {
        Mode = ConsoleSinkMode.Live,
        Console = new TestConsole(),
        RefreshInterval = TimeSpan.FromMilliseconds(20),
    }));
}
