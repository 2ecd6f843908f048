namespace Ingestion.Core.Tests.Sinks;

public class CollectingSinkTests : ProgressSinkContractTests
{
    protected override ValueTask<IProgressSink> CreateSinkAsync() => new(new CollectingSink());
}
