using System.Collections.Concurrent;

namespace Ingestion.HuggingFace;

/// <summary>
/// A named set of ARC tasks in a directory of task files (<c>{taskId}.json</c>), such as ARC-AGI-1's
/// <c>evaluation/</c>. The directory is indexed once; a task is read from its file when first asked for and kept.
/// </summary>
public sealed class ArcTaskSet
{
    private readonly Dictionary<string, string> _paths;
    private readonly ConcurrentDictionary<string, ArcTask> _loaded = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="ArcTaskSet"/> class by indexing a directory.</summary>
    /// <param name="name">The set's name, e.g. <c>ARC1-Eval</c>.</param>
    /// <param name="directory">The directory of task files.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public ArcTaskSet(string name, string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The task set '{name}' has no directory '{directory}'.");
        }

        Name = name;
        Directory = Path.GetFullPath(directory);
        _paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            _paths[Path.GetFileNameWithoutExtension(file)] = file;
        }

        var ids = _paths.Keys.ToArray();
        Array.Sort(ids, StringComparer.Ordinal);
        TaskIds = ids;
    }

    /// <summary>Gets the set's name.</summary>
    public string Name { get; }

    /// <summary>Gets the full path of the directory.</summary>
    public string Directory { get; }

    /// <summary>Gets the ids of the tasks, sorted ordinally: the order an ingestion goes through them.</summary>
    public IReadOnlyList<string> TaskIds { get; }

    /// <summary>Gets the number of tasks.</summary>
    public int Count => TaskIds.Count;

    /// <summary>Gets whether the set has a task.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>Whether it is in the set.</returns>
    public bool Contains(string taskId) => _paths.ContainsKey(taskId);

    /// <summary>Gets a task, reading its file the first time.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The task.</returns>
    /// <exception cref="KeyNotFoundException">The set has no such task.</exception>
    /// <exception cref="FormatException">The task file is not an ARC task.</exception>
    public ArcTask GetTask(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        if (_loaded.TryGetValue(taskId, out var task))
        {
            return task;
        }

        if (!_paths.TryGetValue(taskId, out var path))
        {
            throw new KeyNotFoundException($"The task set '{Name}' has no task '{taskId}'.");
        }

        return _loaded.GetOrAdd(taskId, ArcTask.Parse(taskId, File.ReadAllBytes(path)));
    }
}
