namespace Ingestion.Core.Tests.Sinks;

public class NullProgressSinkTests : ProgressSinkContractTests
{
    protected override ValueTask<IProgressSink> CreateSinkAsync() => new(NullProgressSink.Instance);
}
