using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Pipelines.Testing;

/// <summary>
/// What test compilations reference: the running .NET runtime's assemblies and the Pipelines runtime with the
/// libraries its generated code calls, so tests need no reference-assembly download.
/// </summary>
internal static class TestReferences
{
    public static readonly ImmutableArray<MetadataReference> All = Build();

    private static ImmutableArray<MetadataReference> Build()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll");
        var runtime = new[]
        {
            typeof(TopicAttribute).Assembly.Location,
            typeof(Confluent.Kafka.Headers).Assembly.Location,
            typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location,
            typeof(Microsoft.Extensions.Configuration.IConfiguration).Assembly.Location,
        };
        return [.. platform.Concat(runtime).Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
