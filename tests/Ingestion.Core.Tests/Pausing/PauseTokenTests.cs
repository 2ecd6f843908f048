namespace Ingestion.Core.Tests.Pausing;

public class PauseTokenTests
{
    [Fact]
    public void Default_IsNeverPaused_AndCannotBePaused()
    {
        var token = default(PauseToken);

        token.IsPaused.Should().BeFalse();
        token.CanBePaused.Should().BeFalse();
        token.Should().Be(PauseToken.None);
        token.WaitIfPausedAsync(CancellationToken.None).IsCompletedSuccessfully.Should().BeTrue();
        token.WaitIfPausedAsync().IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public void WaitIfPausedAsync_WhenNotPaused_CompletesSynchronously_WithoutAllocating()
    {
        var source = new PauseTokenSource();
        var token = source.Token;
        using var cts = new CancellationTokenSource();
        for (var i = 0; i < 100; i++)
        {
            _ = token.WaitIfPausedAsync(cts.Token);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var allCompleted = true;
        for (var i = 0; i < 10_000; i++)
        {
            allCompleted &= token.WaitIfPausedAsync(cts.Token).IsCompletedSuccessfully;
            allCompleted &= token.WaitIfPausedAsync().IsCompletedSuccessfully;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allCompleted.Should().BeTrue();
        allocated.Should().Be(0);
    }

    [Fact]
    public void WaitIfPausedAsync_WhenNotPaused_ReturnsAtOnce_WithoutReadingTheToken()
    {
        var token = new PauseTokenSource().Token;

        token.WaitIfPausedAsync(new CancellationToken(canceled: true)).IsCompletedSuccessfully
            .Should().BeTrue("a running source costs one read; the token is observed while waiting");
    }

    [Fact]
    public async Task WaitIfPausedAsync_WhilePausedWithACancelledToken_Throws()
    {
        var source = new PauseTokenSource();
        source.Pause();

        var wait = async () => await source.Token.WaitIfPausedAsync(new CancellationToken(canceled: true));

        await wait.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task WaitIfPausedAsync_OnAStoppedSource_ThrowsForACancelledToken_AndIsNotPaused()
    {
        var source = new PauseTokenSource();
        source.Stop();

        source.IsPaused.Should().BeFalse();
        source.Token.IsPaused.Should().BeFalse();
        source.Pause().Should().BeFalse("a stopped source cannot be paused");
        source.Token.WaitIfPausedAsync(CancellationToken.None).IsCompletedSuccessfully.Should().BeTrue();
        var wait = async () => await source.Token.WaitIfPausedAsync(new CancellationToken(canceled: true));
        await wait.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Stop_WhilePaused_TakesEffectAtTheResume()
    {
        var source = new PauseTokenSource();
        source.Pause();
        source.Stop();
        source.IsPaused.Should().BeTrue("a stop does not resume");

        source.Resume().Should().BeTrue();

        source.IsPaused.Should().BeFalse();
        var wait = async () => await source.Token.WaitIfPausedAsync(new CancellationToken(canceled: true));
        await wait.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Tokens_AreEqual_WhenTheyObserveTheSameSource()
    {
        var source = new PauseTokenSource();

        (source.Token == source.Token).Should().BeTrue();
        (source.Token != new PauseTokenSource().Token).Should().BeTrue();
        source.Token.GetHashCode().Should().Be(source.Token.GetHashCode());
        source.Token.Equals((object)source.Token).Should().BeTrue();
    }

    [Fact]
    public void IsPaused_FollowsTheSource()
    {
        var source = new PauseTokenSource();
        var token = source.Token;

        token.CanBePaused.Should().BeTrue();
        token.IsPaused.Should().BeFalse();
        source.Pause();
        token.IsPaused.Should().BeTrue();
        source.Resume();
        token.IsPaused.Should().BeFalse();
    }
}
