using Xunit;

namespace Ingestion.TestUtilities;

/// <summary>
/// The life of the thing a contract suite tests: made fresh for each test by the implementation's test class, and
/// disposed after it (if it is disposable, unless the test class says otherwise).
/// </summary>
/// <typeparam name="TSubject">The interface under contract.</typeparam>
public abstract class ContractTests<TSubject> : IAsyncLifetime
    where TSubject : class
{
    private TSubject? _subject;

    /// <summary>Gets the instance made for this test.</summary>
    protected TSubject Subject => _subject ?? throw new InvalidOperationException($"The {typeof(TSubject).Name} is made in InitializeAsync.");

    /// <summary>Makes a fresh, empty instance for one test.</summary>
    protected abstract Task<TSubject> CreateSubjectAsync();

    /// <summary>Releases what <see cref="CreateSubjectAsync"/> made; by default disposes it if it is disposable.</summary>
    protected virtual async Task DisposeSubjectAsync(TSubject subject)
    {
        switch (subject)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => _subject = await CreateSubjectAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_subject is not null)
        {
            await DisposeSubjectAsync(_subject);
        }
    }
}
