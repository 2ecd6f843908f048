namespace Ingestion.HuggingFace.Tests.Storage;

public class InMemoryExplanationRepositoryContractTests : ExplanationRepositoryContractTests
{
    protected override Task<IExplanationRepository> CreateRepositoryAsync() => Task.FromResult<IExplanationRepository>(new InMemoryExplanationRepository());
}
