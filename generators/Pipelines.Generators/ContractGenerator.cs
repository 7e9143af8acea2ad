using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Pipelines.Generators.Emitting;
using Pipelines.Generators.Model;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators;

/// <summary>
/// Generates a MessagePack serializer for every <c>[Topic]</c> and <c>[MessageContract]</c> partial type, and, in a
/// project that references Pipelines.Http, <c>MapStreamWriters</c> and <c>MapStreamReaders</c> over the topics.
/// Parsing turns symbols into equatable models; emitting turns models into text; only models cross stages,
/// so an edit that does not change a contract leaves its output cached. A type with errors gets no code; the
/// analyzers (Pipelines.Analyzers), which run the same parser, report why.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ContractGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var topics = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.TopicAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => ContractParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, KnownTypes.For(ctx.SemanticModel.Compilation), new List<Diagnostic>(), ct))
            .WithTrackingName(TrackingNames.Topics)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);

        var contracts = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.MessageContractAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Parse((INamedTypeSymbol)ctx.TargetSymbol, KnownTypes.For(ctx.SemanticModel.Compilation), ct))
            .WithTrackingName(TrackingNames.MessageContracts)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);

        context.RegisterSourceOutput(topics, Emit);
        context.RegisterSourceOutput(contracts, Emit);

        // A contract nested in another type is left to MapStreamWriter<T>: the generated class may not see it.
        var referencesHttp = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(KnownNames.StreamWriterEndpoints) is not null);
        var endpoints = topics
            .Where(static model => model.ContainingTypes.Count == 0)
            .Select(static (model, _) => new StreamEndpointModel(model.FullyQualifiedName, model.Topic!))
            .Collect()
            .Select(static (models, _) => models.ToEquatableArray())
            .Combine(referencesHttp)
            .WithTrackingName(TrackingNames.StreamEndpoints);
        context.RegisterSourceOutput(endpoints, static (spc, all) =>
        {
            var (models, http) = all;
            if (http && models.Count > 0)
            {
                spc.AddSource(StreamEndpointsEmitter.HintName, StreamEndpointsEmitter.Emit(models));
            }
        });
    }

    // A type with both attributes is generated once, by the topic pipeline.
    private static ContractModel? Parse(INamedTypeSymbol type, KnownTypes known, System.Threading.CancellationToken cancellationToken) =>
        KnownTypes.Has(type, known.TopicAttribute) ? null : ContractParser.Parse(type, known, new List<Diagnostic>(), cancellationToken);

    private static void Emit(SourceProductionContext context, ContractModel model) =>
        context.AddSource(model.HintName, ContractEmitter.Emit(model));
}

/// <summary>Names of the pipeline steps, so tests can assert what stayed cached.</summary>
public static class TrackingNames
{
    /// <summary>Parsed <c>[Topic]</c> types.</summary>
    public const string Topics = nameof(Topics);

    /// <summary>Parsed <c>[MessageContract]</c> types.</summary>
    public const string MessageContracts = nameof(MessageContracts);

    /// <summary>Parsed <c>[Processor]</c> classes.</summary>
    public const string Processors = nameof(Processors);

    /// <summary>Parsed <c>[Sink]</c> classes.</summary>
    public const string Sinks = nameof(Sinks);

    /// <summary>All valid processors and sinks of the assembly, for <c>AddPipelines</c>.</summary>
    public const string Registration = nameof(Registration);

    /// <summary>All <c>[Topic]</c> contracts of the assembly and whether it references Pipelines.Http, for <c>MapStreamWriters</c>.</summary>
    public const string StreamEndpoints = nameof(StreamEndpoints);
}
