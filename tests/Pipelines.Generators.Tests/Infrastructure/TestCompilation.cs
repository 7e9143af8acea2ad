using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Pipelines.Generators.Tests.Infrastructure;

/// <summary>
/// Compiles test sources against the running .NET runtime and the Pipelines runtime (<see cref="Pipelines.Testing.TestReferences"/>).
/// </summary>
internal static class TestCompilation
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly ImmutableArray<MetadataReference> References = Pipelines.Testing.TestReferences.All;

    /// <summary><see cref="References"/>, Pipelines.Http and the ASP.NET Core assemblies its endpoints are built on.</summary>
    public static readonly ImmutableArray<MetadataReference> WithHttp = References.AddRange(HttpAssemblies());

    public static CSharpCompilation Create(params string[] sources) => Create(References, sources);

    public static CSharpCompilation Create(ImmutableArray<MetadataReference> references, params string[] sources) =>
        CSharpCompilation.Create(
            "UserAssembly",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static CSharpGeneratorDriver Driver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new ContractGenerator().AsSourceGenerator(), new ProcessorGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    private static IEnumerable<MetadataReference> HttpAssemblies()
    {
        var referenced = References.OfType<PortableExecutableReference>().Select(r => Path.GetFileName(r.FilePath)).ToHashSet(StringComparer.Ordinal);
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || name == "Microsoft.Net.Http.Headers.dll"))
            .Append(typeof(Pipelines.Http.StreamWriterEndpoints).Assembly.Location)
            .Where(p => !referenced.Contains(Path.GetFileName(p)))
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
    }
}
