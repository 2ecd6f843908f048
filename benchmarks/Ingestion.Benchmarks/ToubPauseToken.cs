namespace Ingestion.Benchmarks;

/// <summary>Observes a <see cref="ToubPauseTokenSource"/>; <c>default</c> is never paused.</summary>
public readonly struct ToubPauseToken : IEquatable<ToubPauseToken>
{
    private readonly ToubPauseTokenSource? _source;

    internal ToubPauseToken(ToubPauseTokenSource source) => _source = source;

    /// <summary>Gets whether the source is paused right now.</summary>
    public bool IsPaused => _source is not null && _source.IsPaused;

    /// <summary>Completes at once when not paused; otherwise when the source is resumed.</summary>
    /// <returns>The task to await.</returns>
    public Task WaitWhilePausedAsync() => _source?.WaitWhilePausedAsync() ?? ToubPauseTokenSource.CompletedTask;

    /// <inheritdoc />
    public bool Equals(ToubPauseToken other) => ReferenceEquals(_source, other._source);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ToubPauseToken other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _source?.GetHashCode() ?? 0;

    /// <summary>Whether two tokens observe the same source.</summary>
    public static bool operator ==(ToubPauseToken left, ToubPauseToken right) => left.Equals(right);

    /// <summary>Whether two tokens observe different sources.</summary>
    public static bool operator !=(ToubPauseToken left, ToubPauseToken right) => !left.Equals(right);
}
