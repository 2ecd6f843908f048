using System.Text.RegularExpressions;

namespace Ingestion.Core.Tests.Docs;

/// <summary>
/// Keeps the code in the docs true: every region of test code between <c>// snippet: &lt;doc&gt; begin</c> and
/// <c>// snippet: &lt;doc&gt; end</c> is compiled (and mostly run) as part of the tests, and must appear in that doc
/// word for word (indentation aside).
/// </summary>
public partial class DocSnippetTests
{
    public static TheoryData<string, string, int> Snippets()
    {
        var data = new TheoryData<string, string, int>();
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
                    data.Add(Path.GetRelativePath(Repository.Root, file), match.Groups["doc"].Value, i);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_AppearsInItsDoc_WordForWord(string sourceFile, string doc, int beginLine)
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, sourceFile));
        var end = Array.FindIndex(lines, beginLine + 1, l => l.Trim() == $"// snippet: {doc} end");
        end.Should().BeGreaterThan(beginLine, $"the snippet at {sourceFile}:{beginLine + 1} needs an end marker");
        var indent = lines[beginLine].Length - lines[beginLine].TrimStart().Length;
        var snippet = string.Join("\n", lines[(beginLine + 1)..end].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));

        var text = File.ReadAllText(Path.Combine(Repository.Root, doc)).ReplaceLineEndings("\n");

        text.Should().Contain(snippet, $"{doc} should show the code of {sourceFile}:{beginLine + 1} as it is compiled");
    }

    [Fact]
    public void TheReadmeAndEachDoc_HaveAtLeastOneCheckedSnippet_WhenTheyShowCSharp()
    {
        var checkedDocs = Snippets().Select(row => (string)row[1]).ToHashSet();
        var docs = Directory.EnumerateFiles(Path.Combine(Repository.Root, "docs"), "*.md").Append(Path.Combine(Repository.Root, "README.md"));

        foreach (var doc in docs)
        {
            if (File.ReadAllText(doc).Contains("```csharp", StringComparison.Ordinal))
            {
                checkedDocs.Should().Contain(Path.GetRelativePath(Repository.Root, doc), "its C# is compiled by a test");
            }
        }
    }

    [GeneratedRegex(@"^\s*// snippet: (?<doc>\S+) begin\s*$")]
    private static partial Regex Begin();
}
