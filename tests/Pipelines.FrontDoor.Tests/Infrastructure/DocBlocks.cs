using System.Text;
using System.Text.RegularExpressions;

namespace Pipelines.FrontDoor.Tests.Infrastructure;

/// <summary>
/// The C# blocks of a Markdown document, as source files of one library. A block is a file as written (declarations),
/// unless the line before its fence is <c>&lt;!-- fragment: statements(parameters) --&gt;</c>: then its statements become
/// the body of a method with those parameters (the names a reader is meant to have in hand), and its leading
/// <c>using</c> directives stay at the top of the file. <c>#line</c> directives make every error point at the
/// document's own line.
/// </summary>
internal static partial class DocBlocks
{
    public static IReadOnlyList<(string FileName, string Source)> Of(string document, string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var files = new List<(string, string)>();
        var name = Path.GetFileNameWithoutExtension(document).Replace('-', '_');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            var first = i + 1;
            var end = first;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            var block = lines[first..end];
            var marker = i > 0 ? Fragment().Match(lines[i - 1]) : Match.Empty;
            var fileName = $"{name}_line{first + 1:0000}.cs";
            files.Add((fileName, marker.Success ? Wrap(document, block, first + 1, marker.Groups["parameters"].Value, files.Count) : Lines(document, block, first + 1)));
            i = end;
        }

        return files;
    }

    private static string Lines(string document, IEnumerable<string> block, int line) =>
        $"#line {line} \"{document}\"\n" + string.Join('\n', block) + "\n";

    private static string Wrap(string document, string[] block, int line, string parameters, int index)
    {
        var usings = block.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("using var ", StringComparison.Ordinal) && !l.StartsWith("using (", StringComparison.Ordinal) || l.Trim().Length == 0).ToArray();
        var body = block[usings.Length..];
        var isAsync = body.Any(l => l.Contains("await ", StringComparison.Ordinal));
        var source = new StringBuilder();
        source.Append(Lines(document, usings, line));
        source.Append("#line hidden\n");
        source.Append($"internal static partial class DocFragments\n{{\n    internal static {(isAsync ? "async System.Threading.Tasks.Task" : "void")} Block{index}({parameters})\n    {{\n");
        source.Append(Lines(document, body, line + usings.Length));
        source.Append("#line hidden\n    }\n}\n");
        return source.ToString();
    }

    [GeneratedRegex(@"^\s*<!--\s*fragment:\s*statements\((?<parameters>.*)\)\s*-->\s*$")]
    private static partial Regex Fragment();
}
