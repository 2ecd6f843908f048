using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Ingestion.HuggingFace;

/// <summary>
/// The ARC tasks predictions are validated against: named sets (<see cref="ArcTaskSet"/>) with an id lookup across
/// them. Build it with <see cref="AddArcAgi1"/> / <see cref="AddArcAgi2"/> for the published layouts, or
/// <see cref="Add(string, string)"/> for any directory of task files.
/// </summary>
public sealed partial class ArcTaskLibrary
{
    /// <summary>The ARC-AGI-1 training set.</summary>
    public const string Arc1Training = "ARC1-Train";

    /// <summary>The ARC-AGI-1 public evaluation set.</summary>
    public const string Arc1Evaluation = "ARC1-Eval";

    /// <summary>The ARC-AGI-2 training set.</summary>
    public const string Arc2Training = "ARC2-Train";

    /// <summary>The ARC-AGI-2 public evaluation set.</summary>
    public const string Arc2Evaluation = "ARC2-Eval";

    private readonly Dictionary<string, ArcTaskSet> _sets = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ArcTaskSet> _order = [];

    /// <summary>Gets the sets, in the order they were added.</summary>
    public IReadOnlyList<ArcTaskSet> Sets => _order;

    /// <summary>Adds a set from a directory of task files.</summary>
    /// <param name="name">The set's name (case-insensitive).</param>
    /// <param name="directory">The directory.</param>
    /// <returns>This library.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="ArgumentException">A set of that name exists.</exception>
    public ArcTaskLibrary Add(string name, string directory) => Add(new ArcTaskSet(name, directory));

    /// <summary>Adds a set.</summary>
    /// <param name="set">The set.</param>
    /// <returns>This library.</returns>
    /// <exception cref="ArgumentException">A set of that name exists.</exception>
    public ArcTaskLibrary Add(ArcTaskSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (!_sets.TryAdd(set.Name, set))
        {
            throw new ArgumentException($"The library already has a task set named '{set.Name}'.", nameof(set));
        }

        _order.Add(set);
        return this;
    }

    /// <summary>
    /// Adds ARC-AGI-1 (<c>fchollet/ARC-AGI</c>): <c>{root}/training</c> as <see cref="Arc1Training"/> and
    /// <c>{root}/evaluation</c> as <see cref="Arc1Evaluation"/>; <paramref name="root"/> may also be the clone, with
    /// the folders under <c>data/</c>. A folder that is not there is left out.
    /// </summary>
    /// <param name="root">The folder that holds <c>training/</c> and <c>evaluation/</c>, or the repository clone.</param>
    /// <returns>This library.</returns>
    /// <exception cref="DirectoryNotFoundException">Neither folder is there.</exception>
    public ArcTaskLibrary AddArcAgi1(string root) => AddPublishedLayout(root, Arc1Training, Arc1Evaluation);

    /// <summary>
    /// Adds ARC-AGI-2 (<c>arcprize/ARC-AGI-2</c>): <c>{root}/training</c> as <see cref="Arc2Training"/> and
    /// <c>{root}/evaluation</c> as <see cref="Arc2Evaluation"/>; <paramref name="root"/> may also be the clone, with the
    /// folders under <c>data/</c>. A folder that is not there is left out.
    /// </summary>
    /// <param name="root">The folder that holds <c>training/</c> and <c>evaluation/</c>, or the repository clone.</param>
    /// <returns>This library.</returns>
    /// <exception cref="DirectoryNotFoundException">Neither folder is there.</exception>
    public ArcTaskLibrary AddArcAgi2(string root) => AddPublishedLayout(root, Arc2Training, Arc2Evaluation);

    /// <summary>Gets a set by name.</summary>
    /// <param name="name">The name (case-insensitive).</param>
    /// <param name="set">The set, when there is one.</param>
    /// <returns>Whether there is one.</returns>
    public bool TryGetSet(string name, [NotNullWhen(true)] out ArcTaskSet? set)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _sets.TryGetValue(name, out set);
    }

    /// <summary>Finds a task by id in any set, the sets searched in the order they were added.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="set">The set that has it.</param>
    /// <returns>Whether a set has it.</returns>
    public bool TryFindTask(string taskId, [NotNullWhen(true)] out ArcTaskSet? set)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        foreach (var candidate in _order)
        {
            if (candidate.Contains(taskId))
            {
                set = candidate;
                return true;
            }
        }

        set = null;
        return false;
    }

    /// <summary>
    /// Guesses the task set from a dataset's name as the original system did: ARC-AGI version 1 or 2 (<c>v1</c>,
    /// <c>agi_1</c>, <c>arc-agi-2</c>…) and evaluation or training (<c>eval</c>, <c>train</c>), so
    /// <c>arcprize/arc_agi_v1_public_eval</c> is <see cref="Arc1Evaluation"/> and <c>arcprize/arc_agi_v2_training</c>
    /// is <see cref="Arc2Training"/>.
    /// </summary>
    /// <param name="dataset">The dataset's repository id or name.</param>
    /// <returns>The set's name, or <see langword="null"/> when the name does not say.</returns>
    public static string? DetectSource(string dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var name = dataset[(dataset.LastIndexOf('/') + 1)..];
        var version = VersionPattern().Match(name);
        if (!version.Success)
        {
            return null;
        }

        var evaluation = EvaluationPattern().IsMatch(name);
        var training = TrainingPattern().IsMatch(name);
        if (evaluation == training)
        {
            return null;
        }

        return (version.Groups["v"].Value, evaluation) switch
        {
            ("1", true) => Arc1Evaluation,
            ("1", false) => Arc1Training,
            ("2", true) => Arc2Evaluation,
            _ => Arc2Training,
        };
    }

    private ArcTaskLibrary AddPublishedLayout(string root, string trainingName, string evaluationName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        var baseDirectory = Directory.Exists(Path.Combine(root, "data")) ? Path.Combine(root, "data") : root;
        var training = Path.Combine(baseDirectory, "training");
        var evaluation = Path.Combine(baseDirectory, "evaluation");
        if (!Directory.Exists(training) && !Directory.Exists(evaluation))
        {
            throw new DirectoryNotFoundException($"'{root}' has neither training/ nor evaluation/ (nor data/training, data/evaluation).");
        }

        if (Directory.Exists(training))
        {
            Add(trainingName, training);
        }

        if (Directory.Exists(evaluation))
        {
            Add(evaluationName, evaluation);
        }

        return this;
    }

    [GeneratedRegex(@"arc[_\-]?agi[_\-]?v?(?<v>[12])(?![0-9])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"eval", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EvaluationPattern();

    [GeneratedRegex(@"train", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TrainingPattern();
}
