namespace Ingestion.TestHosts;

/// <summary>The test hosts' command line: <c>--name value</c> pairs, some of them required.</summary>
internal static class HostArguments
{
    public static Dictionary<string, string> Parse(string[] args, params string[] required)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        foreach (var name in required)
        {
            if (!options.ContainsKey(name))
            {
                throw new ArgumentException($"--{name} is required.");
            }
        }

        return options;
    }
}
