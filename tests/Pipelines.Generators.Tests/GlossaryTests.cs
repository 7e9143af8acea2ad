using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipelines.Generators.Tests;

/// <summary>
/// DEVELOPERS.md's glossary is enforced against the code: the names it cites exist, and the names it rules out are
/// declared nowhere in the runtime, generator or analyzers.
/// </summary>
public partial class GlossaryTests
{
    private static readonly string Root = RepositoryRoot();
    private static readonly Lazy<IReadOnlyList<Declared>> Declarations = new(ReadDeclarations);

    [Fact]
    public void Every_code_name_the_glossary_cites_is_declared()
    {
        var declared = Declarations.Value.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var cited = Rows().SelectMany(row => CodeNames(row.Means)).Distinct().ToList();
        Assert.True(cited.Count > 20, $"The glossary cites only {cited.Count} code names; is the table still there?");

        var missing = cited.Where(name => !name.Split('.').All(declared.Contains)).ToList();
        Assert.True(missing.Count == 0, $"The glossary cites names the code does not declare (renamed?): {string.Join(", ", missing)}");
    }

    [Fact]
    public void No_declared_name_uses_a_word_the_glossary_rules_out()
    {
        var banned = Rows().SelectMany(row => CodeNames(row.NotInCode)).Distinct().ToList();
        Assert.Contains("Owner", banned);

        var offences = (
            from declaration in Declarations.Value
            let words = Words(declaration.Name)
            from name in banned
            where ContainsRun(words, Words(name))
            select $"{declaration.Name} ({declaration.Where}) uses '{name}'").ToList();
        Assert.True(offences.Count == 0, "Names the glossary rules out:\n" + string.Join("\n", offences));
    }

    [Theory]
    [InlineData("chunkOwners", "Owner", true)]
    [InlineData("MessageKindOf", "MessageKind", true)]
    [InlineData("FieldKind", "MessageKind", false)]
    [InlineData("Failed", "Fail", false)]
    [InlineData("RawSpan", "Raw", true)]
    [InlineData("Drawing", "Raw", false)]
    [InlineData("IOwnerHTTP", "Owner", true)]
    public void Words_match_whole_camel_case_words(string declared, string banned, bool matches) =>
        Assert.Equal(matches, ContainsRun(Words(declared), Words(banned)));

    private static IEnumerable<(string Means, string NotInCode)> Rows()
    {
        var text = File.ReadAllText(Path.Combine(Root, "DEVELOPERS.md"));
        var glossary = text[text.IndexOf("## Glossary", StringComparison.Ordinal)..];
        glossary = glossary[..glossary.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        foreach (var line in glossary.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| word ", StringComparison.Ordinal)))
        {
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();
            yield return (cells[2], cells[4]);
        }
    }

    /// <summary>Backticked names in a cell that look like code (`Type`, `Type.Member`), not settings or headers.</summary>
    private static IEnumerable<string> CodeNames(string cell) =>
        CodeName().Matches(cell).Select(m => m.Groups[1].Value);

    private static string[] Words(string name) =>
        CamelWord().Matches(name).Select(m => m.Value.ToLowerInvariant()).ToArray();

    private static bool ContainsRun(string[] words, string[] run)
    {
        for (var i = 0; i + run.Length <= words.Length; i++)
        {
            // The last word may be plural: Owner rules out Owners too.
            var candidate = words.Skip(i).Take(run.Length).ToArray();
            if (candidate[..^1].SequenceEqual(run[..^1]) && (candidate[^1] == run[^1] || candidate[^1] == run[^1] + "s"))
            {
                return true;
            }
        }

        return false;
    }

    private static IReadOnlyList<Declared> ReadDeclarations()
    {
        var files = new[] { "src", "generators", "analyzers" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));
        var declared = new List<Declared>();
        foreach (var file in files)
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var node in root.DescendantNodes())
            {
                var identifier = node switch
                {
                    BaseTypeDeclarationSyntax type => type.Identifier,
                    DelegateDeclarationSyntax type => type.Identifier,
                    MethodDeclarationSyntax method => method.Identifier,
                    PropertyDeclarationSyntax property => property.Identifier,
                    EventDeclarationSyntax declaredEvent => declaredEvent.Identifier,
                    EnumMemberDeclarationSyntax member => member.Identifier,
                    VariableDeclaratorSyntax variable => variable.Identifier,
                    ParameterSyntax parameter => parameter.Identifier,
                    SingleVariableDesignationSyntax designation => designation.Identifier,
                    ForEachStatementSyntax loop => loop.Identifier,
                    LocalFunctionStatementSyntax function => function.Identifier,
                    _ => default,
                };
                if (identifier.ValueText is { Length: > 0 } name)
                {
                    var line = identifier.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                    declared.Add(new Declared(name, $"{Path.GetRelativePath(Root, file)}:{line}"));
                }
            }
        }

        return declared;
    }

    private static string RepositoryRoot([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    [GeneratedRegex(@"`([A-Z][A-Za-z]+(?:\.[A-Z][A-Za-z]+)?)`")]
    private static partial Regex CodeName();

    // An acronym run (HTTP in IOwnerHTTP), a capitalised word, or a lower-case run.
    [GeneratedRegex(@"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")]
    private static partial Regex CamelWord();

    private sealed record Declared(string Name, string Where);
}
