using System.Text.RegularExpressions;

namespace Ingestion.Core.Tests.Docs;

/// <summary>
/// Keeps the code in the docs true: every region of test code between <c>// snippet: &lt;doc&gt; begin</c> and
/// <c>// snippet: &lt;doc&gt; end</c> is compiled (and mostly run) as part of the tests, and must appear in that doc
/// word for word (indentation aside); and every line of C# in the docs, the README and the packages' READMEs must be
/// in such a region.
/// </summary>
public partial class DocSnippetTests
{
    public static TheoryData<string, string, int> Snippets()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var (file, docs, beginLine) in SnippetRegions())
        {
            foreach (var doc in docs)
            {
                data.Add(file, doc, beginLine);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_AppearsInItsDoc_WordForWord(string sourceFile, string doc, int beginLine)
    {
        var snippet = SnippetText(sourceFile, beginLine);

        var text = File.ReadAllText(Path.Combine(Repository.Root, doc)).ReplaceLineEndings("\n");

        text.Should().Contain(snippet, $"{doc} should show the code of {sourceFile}:{beginLine + 1} as it is compiled");
    }

    [Fact]
    public void EveryCSharpBlock_OfTheDocsAndThePackageReadmes_IsCompiledByATest()
    {
        // Every line of every ```csharp block must be wholly part of a snippet that a test compiles (a block may be made
        // of several snippets); blank lines and comment-only lines aside.
        var snippets = SnippetRegions()
            .SelectMany(r => r.Docs.Select(doc => (Doc: doc, Text: SnippetText(r.File, r.BeginLine))))
            .ToLookup(s => s.Doc, s => s.Text);
        var documents = Directory.EnumerateFiles(Path.Combine(Repository.Root, "docs"), "*.md")
            .Append(Path.Combine(Repository.Root, "README.md"))
            .Concat(Directory.EnumerateDirectories(Path.Combine(Repository.Root, "src")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists));

        var notCompiled = new List<string>();
        foreach (var path in documents)
        {
            var doc = Path.GetRelativePath(Repository.Root, path);
            foreach (Match block in CSharpBlock().Matches(File.ReadAllText(path).ReplaceLineEndings("\n")))
            {
                var code = block.Groups["code"].Value.TrimEnd('\n');
                var covered = new bool[code.Length];
                foreach (var snippet in snippets[doc])
                {
                    for (var at = code.IndexOf(snippet, StringComparison.Ordinal); at >= 0; at = code.IndexOf(snippet, at + 1, StringComparison.Ordinal))
                    {
                        Array.Fill(covered, true, at, snippet.Length);
                    }
                }

                var offset = 0;
                foreach (var line in code.Split('\n'))
                {
                    // The line's text, from its first to its last non-blank character, must all be in snippets.
                    var trimmed = line.Trim();
                    var start = offset + line.Length - line.TrimStart().Length;
                    if (trimmed.Length > 0 && !trimmed.StartsWith("//", StringComparison.Ordinal) && covered.AsSpan(start, trimmed.Length).Contains(false))
                    {
                        notCompiled.Add($"{doc}: {trimmed}");
                    }

                    offset += line.Length + 1;
                }
            }
        }

        notCompiled.Should().BeEmpty("every C# line in the docs is compiled by a test (mark it with // snippet: <doc> begin / end)");
    }

    private static IEnumerable<(string File, string[] Docs, int BeginLine)> SnippetRegions()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repository.Root, "tests"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var match = Begin().Match(lines[i]);
                if (match.Success)
                {
                    yield return (Path.GetRelativePath(Repository.Root, file), match.Groups["docs"].Value.Split(' '), i);
                }
            }
        }
    }

    /// <summary>The code between a begin marker and its end marker, without the marker's indentation.</summary>
    private static string SnippetText(string sourceFile, int beginLine)
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, sourceFile));
        var docs = Begin().Match(lines[beginLine]).Groups["docs"].Value;
        var end = Array.FindIndex(lines, beginLine + 1, l => l.Trim() == $"// snippet: {docs} end");
        end.Should().BeGreaterThan(beginLine, $"the snippet at {sourceFile}:{beginLine + 1} needs an end marker");
        var indent = lines[beginLine].Length - lines[beginLine].TrimStart().Length;
        return string.Join("\n", lines[(beginLine + 1)..end].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    // "// snippet: docs/a.md begin", or several documents that show the same code: "// snippet: docs/a.md README.md begin".
    [GeneratedRegex(@"^\s*// snippet: (?<docs>\S+(?: \S+)*) begin\s*$")]
    private static partial Regex Begin();

    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
