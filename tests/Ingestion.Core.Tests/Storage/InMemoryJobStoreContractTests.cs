namespace Ingestion.Core.Tests.Storage;

public class InMemoryJobStoreContractTests : JobStoreContractTests
{
    protected override Task<IJobStore> CreateStoreAsync() => Task.FromResult<IJobStore>(new InMemoryJobStore());
}
