using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Pipelines.Generators.Emitting;
using Pipelines.Generators.Model;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators;

/// <summary>
/// Generates a descriptor for every <c>[Processor]</c> and <c>[Sink]</c> class and one <c>AddPipelines</c> per
/// assembly that registers them all as hosted services. A processor or sink with errors gets no code and no
/// registration; the analyzers report why.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ProcessorGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var processors = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.ProcessorAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => ProcessorParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.Attributes[0], KnownTypes.For(ctx.SemanticModel.Compilation), new List<Diagnostic>(), ct))
            .WithTrackingName(TrackingNames.Processors)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);

        context.RegisterSourceOutput(processors, static (spc, model) => spc.AddSource(model.HintName, ProcessorEmitter.EmitDescriptor(model)));

        var sinks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.SinkAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => SinkParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.Attributes[0], KnownTypes.For(ctx.SemanticModel.Compilation), new List<Diagnostic>(), ct))
            .WithTrackingName(TrackingNames.Sinks)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);

        context.RegisterSourceOutput(sinks, static (spc, model) => spc.AddSource(model.HintName, SinkEmitter.EmitDeclaration(model)));

        var valid = processors
            .Collect()
            .Select(static (models, _) => models.ToEquatableArray())
            .Combine(sinks.Collect().Select(static (models, _) => models.ToEquatableArray()))
            .WithTrackingName(TrackingNames.Registration);

        context.RegisterSourceOutput(valid, static (spc, all) =>
        {
            var (processorModels, sinkModels) = all;
            if (processorModels.Count + sinkModels.Count > 0)
            {
                spc.AddSource(ProcessorEmitter.RegistrationHintName, ProcessorEmitter.EmitRegistration(processorModels, sinkModels));
            }
        });
    }
}
