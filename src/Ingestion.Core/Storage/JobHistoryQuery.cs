using System.Text.Json;

namespace Ingestion.Core;

/// <summary>Which jobs to read from the history, and which page of them.</summary>
public sealed class JobHistoryQuery
{
    /// <summary>The largest <see cref="Limit"/> allowed.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Gets or sets the states to include; <see langword="null"/> or empty for every state. Default: every state.</summary>
    public IReadOnlyCollection<JobState>? States { get; set; }

    /// <summary>Gets or sets the kind to include; <see langword="null"/> for every kind. Default: every kind.</summary>
    public string? Kind { get; set; }

    /// <summary>
    /// Gets or sets top-level parameters that a job must have, each a JSON string equal (ordinal) to the value given,
    /// such as <c>{ ["dataset"] = "arcprize/arc_agi_v1_public_eval" }</c>; <see langword="null"/> or empty for no such
    /// filter. Names are letters, digits and underscores, not starting with a digit. Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; set; }

    /// <summary>Gets or sets how many matching jobs to skip, newest first. Default: 0.</summary>
    public int Offset { get; set; }

    /// <summary>Gets or sets the page size, 1 to <see cref="MaxLimit"/>. Default: 50.</summary>
    public int Limit { get; set; } = 50;

    /// <summary>Whether a job matches the filters (not the paging).</summary>
    /// <param name="job">The job.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool Matches(JobSnapshot job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return (States is null || States.Count == 0 || States.Contains(job.State))
            && (Kind is null || string.Equals(Kind, job.Kind, StringComparison.Ordinal))
            && (Parameters is null || Parameters.All(filter => HasParameter(job.Parameters, filter.Key, filter.Value)));
    }

    /// <summary>Whether a name may be used in <see cref="Parameters"/>: letters, digits and underscores, not starting with a digit.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns><see langword="true"/> when it may.</returns>
    public static bool IsValidParameterName(string? name)
        => !string.IsNullOrEmpty(name)
            && !char.IsAsciiDigit(name[0])
            && name.All(static c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Throws when the paging is out of range or a parameter filter is malformed.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Offset"/> is negative or <see cref="Limit"/> is outside 1 to <see cref="MaxLimit"/>.</exception>
    /// <exception cref="ArgumentException">A name in <see cref="Parameters"/> is not valid (see <see cref="IsValidParameterName"/>) or a value is null.</exception>
    public void Validate()
    {
        foreach (var (name, value) in Parameters ?? EmptyParameters)
        {
            if (!IsValidParameterName(name))
            {
                throw new ArgumentException($"'{name}' is not a parameter name that the history can filter on: use letters, digits and underscores, not starting with a digit.", nameof(Parameters));
            }

            if (value is null)
            {
                throw new ArgumentException($"The filter on parameter '{name}' has no value.", nameof(Parameters));
            }
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Limit, MaxLimit);
    }

    private static readonly Dictionary<string, string> EmptyParameters = [];

    private static bool HasParameter(JsonElement parameters, string name, string value)
        => parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty(name, out var property)
            && property.ValueKind == JsonValueKind.String
            && property.ValueEquals(value);
}
