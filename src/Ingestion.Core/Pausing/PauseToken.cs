using System.Runtime.CompilerServices;

namespace Ingestion.Core;

/// <summary>
/// Observes a <see cref="PauseTokenSource"/>. A job body awaits <see cref="WaitIfPausedAsync(CancellationToken)"/>
/// once per item; it costs about a volatile read and allocates nothing when the source is not paused.
/// </summary>
/// <remarks>
/// <c>default(PauseToken)</c> (also <see cref="None"/>) is never paused, like <see cref="CancellationToken.None"/>.
/// </remarks>
public readonly struct PauseToken : IEquatable<PauseToken>
{
    private readonly PauseTokenSource? _source;

    internal PauseToken(PauseTokenSource source) => _source = source;

    /// <summary>Gets a token that is never paused.</summary>
    public static PauseToken None => default;

    /// <summary>Gets whether this token is attached to a source, and so can ever be paused.</summary>
    public bool CanBePaused => _source is not null;

    /// <summary>Gets whether the source is paused right now. A single volatile read; it does not wait.</summary>
    public bool IsPaused
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _source is not null && _source.IsPaused;
    }

    /// <summary>
    /// Completes at once when not paused; otherwise waits, without polling, until the source is resumed, or until
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="cancellationToken">
    /// Ends the wait with an <see cref="OperationCanceledException"/> as soon as it is cancelled. It is observed while
    /// paused (and on any check of a job that the job manager has cancelled); a check that finds the source running
    /// returns at once without reading it, which keeps the check to one volatile read. Check the token yourself where
    /// that matters, or use <see cref="JobContext.WaitIfPausedAsync"/> in a job body.
    /// </param>
    /// <returns>A task that is already complete (no allocation, no lock) when the source is not paused.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask WaitIfPausedAsync(CancellationToken cancellationToken)
    {
        var source = _source;
        var gate = source?.Gate;
        return gate is null ? default : source!.WaitWhilePausedAsync(gate, cancellationToken);
    }

    /// <summary>Completes at once when not paused; otherwise waits until the source is resumed.</summary>
    /// <returns>A task that is already complete (no allocation, no lock) when the source is not paused.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask WaitIfPausedAsync()
    {
        var source = _source;
        var gate = source?.Gate;
        return gate is null ? default : source!.WaitWhilePausedAsync(gate, CancellationToken.None);
    }

    /// <inheritdoc />
    public bool Equals(PauseToken other) => ReferenceEquals(_source, other._source);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PauseToken other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _source is null ? 0 : RuntimeHelpers.GetHashCode(_source);

    /// <summary>Whether two tokens observe the same source.</summary>
    public static bool operator ==(PauseToken left, PauseToken right) => left.Equals(right);

    /// <summary>Whether two tokens observe different sources.</summary>
    public static bool operator !=(PauseToken left, PauseToken right) => !left.Equals(right);
}
