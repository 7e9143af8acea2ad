using System.ComponentModel;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// What <c>AddPipelines</c> binds to when the source generator did not write one: a compile-time error that says why.
/// The generated method takes the same arguments without the optional third, so the compiler prefers it whenever it
/// exists; this one is chosen only in its absence (a ProjectReference to src/Pipelines without the generator, or an
/// assembly with no <c>[Processor]</c>), and then it is an error rather than a CS1061 or CS0311 with no hint.
/// </summary>
public static class PipelinesGeneratorMissing
{
    internal const string Message =
        "No AddPipelines was generated for this project. Either the Pipelines source generator is not running: reference the Pipelines package, " +
        "which carries it, or, beside a ProjectReference to src/Pipelines, reference generators/Pipelines.Generators with " +
        "OutputItemType=\"Analyzer\" ReferenceOutputAssembly=\"false\" (README, \"Referencing Pipelines\"). " +
        "Or this project has no [Processor] (a generated AddPipelines is internal to the project that declares the processors): register them from here with AddProcessor<TProcessor>.";

    /// <summary>Never called: using it is a compile-time error that explains why <c>AddPipelines</c> is missing.</summary>
    [Obsolete(Message, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static IServiceCollection AddPipelines(this IServiceCollection services, IConfiguration configuration, GeneratorMissing? generatorMissing = null) =>
        throw new InvalidOperationException(Message);

    /// <summary>Only names the parameter that makes the generated <c>AddPipelines</c> the better overload.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class GeneratorMissing
    {
        private GeneratorMissing()
        {
        }
    }
}
