using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Pipelines.Generators.Parsing;

namespace Pipelines.Analyzers;

/// <summary>
/// Reports why a <c>[Processor]</c> or <c>[Sink]</c> cannot be generated (their parsers' diagnostics), a processor
/// that reads its own output, and, once every processor and sink of the compilation is known, shared consumer groups
/// and the topology's loose ends.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ProcessorAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.MustBePartial,
        DiagnosticDescriptors.InvalidTopicName,
        DiagnosticDescriptors.InvalidProcessorHandler,
        DiagnosticDescriptors.FeedbackLoop,
        DiagnosticDescriptors.SettingOutOfRange,
        DiagnosticDescriptors.DuplicateGroup,
        DiagnosticDescriptors.LooseTopic,
        DiagnosticDescriptors.InvalidBufferHook,
        DiagnosticDescriptors.BufferSettingMisplaced,
        DiagnosticDescriptors.StateNotContract,
        DiagnosticDescriptors.InvalidWindowSetting,
        DiagnosticDescriptors.InvalidWindowMethod,
        DiagnosticDescriptors.WindowWithoutTimestamp,
        DiagnosticDescriptors.TableNotTopicContract,
        DiagnosticDescriptors.TableKeyMismatch,
        DiagnosticDescriptors.InvalidJoin,
        DiagnosticDescriptors.InputKeyMismatch,
        DiagnosticDescriptors.InvalidSink,
    ];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var processorAttribute = start.Compilation.GetTypeByMetadataName(KnownNames.ProcessorAttribute);
            if (processorAttribute is null)
            {
                return;
            }

            var processors = new ConcurrentBag<ProcessorFacts>();
            var known = KnownTypes.For(start.Compilation);
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, processorAttribute, known, processors), SymbolKind.NamedType);
            if (start.Compilation.GetTypeByMetadataName(KnownNames.SinkAttribute) is { } sinkAttribute)
            {
                start.RegisterSymbolAction(symbolContext => AnalyzeSink(symbolContext, sinkAttribute, known, processors), SymbolKind.NamedType);
            }

            start.RegisterCompilationEndAction(end => Connect(end, processors.OrderBy(p => p.Name, System.StringComparer.Ordinal).ToList()));
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol processorAttribute, KnownTypes known, ConcurrentBag<ProcessorFacts> processors)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (Attributes.Find(type, processorAttribute) is not { } attribute)
        {
            return;
        }

        var diagnostics = new List<Diagnostic>();
        var model = ProcessorParser.Parse(type, attribute, known, diagnostics, out var symbols, context.CancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }

        if (model is null || symbols is null)
        {
            return;
        }

        var location = type.Locations.FirstOrDefaultInSource();
        if (model.OutputTopic is { } output && (output == model.InputTopic || model.Inputs.Any(i => i.Topic == output)))
        {
            // With several inputs, the handler of the input written is the one that loops.
            var handler = model.Inputs.Count == 0 ? symbols.Handler : symbols.InputRows[model.Inputs.Select(i => i.Topic).ToList().IndexOf(output)].ContainingSymbol;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.FeedbackLoop, handler.Locations.FirstOrDefaultInSource(), model.Name, output));
        }

        if (symbols.Input is { } input)
        {
            ReportTableKeys(context, model.Name, symbols.Handler, input, known);
        }

        if (symbols.InputRows.Count > 1)
        {
            ReportInputKeys(context, model.Name, symbols.InputRows, known);
        }

        processors.Add(new ProcessorFacts(
            model.Name,
            model.GroupId,
            model.InputTopic,
            symbols.Input is null || IsExternal(symbols.Input, known), // an events-only processor names its topic by hand
            model.OutputTopic,
            symbols.Output is not null && IsExternal(symbols.Output, known),
            location));
    }

    private static void AnalyzeSink(SymbolAnalysisContext context, INamedTypeSymbol sinkAttribute, KnownTypes known, ConcurrentBag<ProcessorFacts> processors)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (KnownTypes.Find(type, sinkAttribute) is not { } attribute)
        {
            return;
        }

        var diagnostics = new List<Diagnostic>();
        var model = SinkParser.Parse(type, attribute, known, diagnostics, context.CancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }

        if (model is not null)
        {
            // A sink reads its topic like a processor and writes none: its group may clash, and its topic is read.
            var contract = (INamedTypeSymbol)attribute.AttributeClass!.TypeArguments[0];
            processors.Add(new ProcessorFacts(model.Name, model.GroupId, model.Topic, IsExternal(contract, known), null, false, type.Locations.FirstOrDefaultInSource()));
        }
    }

    private static void Connect(CompilationAnalysisContext context, List<ProcessorFacts> processors)
    {
        foreach (var group in processors.GroupBy(p => p.GroupId, System.StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            foreach (var processor in group)
            {
                var others = string.Join("', '", group.Where(p => p != processor).Select(p => p.Name));
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateGroup, processor.Location, processor.Name, group.Key, others));
            }
        }

        var produced = new HashSet<string>(processors.Where(p => p.OutputTopic is not null).Select(p => p.OutputTopic!), System.StringComparer.Ordinal);
        var consumed = new HashSet<string>(processors.Select(p => p.InputTopic), System.StringComparer.Ordinal);
        foreach (var processor in processors)
        {
            if (!processor.InputExternal && !produced.Contains(processor.InputTopic))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LooseTopic, processor.Location, processor.InputTopic, $"read by '{processor.Name}' but written by no processor of this assembly", "writes"));
            }

            if (processor.OutputTopic is { } output && !processor.OutputExternal && !consumed.Contains(output))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LooseTopic, processor.Location, output, $"written by '{processor.Name}' but read by no processor of this assembly", "reads"));
            }
        }
    }

    /// <summary>
    /// A partitioned table is looked up by the row's own key, so its contract's key must be able to equal the input's:
    /// the same tags' types in the same order (their names may differ; the key is their values' text).
    /// </summary>
    private static void ReportTableKeys(SymbolAnalysisContext context, string processor, IMethodSymbol handler, INamedTypeSymbol input, KnownTypes known)
    {
        var inputKey = KeyTypes(input, known);
        foreach (var parameter in handler.Parameters.Where(p => KnownTypes.Is(p.Type, known.TableOfT)))
        {
            var table = (INamedTypeSymbol)((INamedTypeSymbol)parameter.Type).TypeArguments[0];
            var tableKey = KeyTypes(table, known);
            if (!tableKey.SequenceEqual(inputKey, SymbolEqualityComparer.Default))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TableKeyMismatch,
                    parameter.Locations.FirstOrDefaultInSource(),
                    processor,
                    table.Name,
                    input.Name,
                    Describe(tableKey),
                    Describe(inputKey)));
            }
        }
    }

    private static string Describe(List<ITypeSymbol> key) =>
        key.Count == 0 ? "no tags" : string.Join(", ", key.Select(t => t.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));

    /// <summary>
    /// Several inputs share a key's state, and a join pairs rows by key: every input's contract must be able to make the
    /// first's key. Reported on the first handler whose input's tags differ (a join's one handler: its second row).
    /// </summary>
    private static void ReportInputKeys(SymbolAnalysisContext context, string processor, IReadOnlyList<IParameterSymbol> rows, KnownTypes known)
    {
        var first = ProcessorParser.ContractOf(rows[0]);
        var key = KeyTypes(first, known);
        foreach (var row in rows.Skip(1))
        {
            var contract = ProcessorParser.ContractOf(row);
            var other = KeyTypes(contract, known);
            if (!other.SequenceEqual(key, SymbolEqualityComparer.Default))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InputKeyMismatch, row.Locations.FirstOrDefaultInSource(), processor, first.Name, Describe(key), contract.Name, Describe(other)));
                return;
            }
        }
    }

    /// <summary>The types of a contract's tags, in the order they make its stream key.</summary>
    private static List<ITypeSymbol> KeyTypes(INamedTypeSymbol contract, KnownTypes known) =>
        contract.GetMembers()
            .Where(m => m.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, known.TagAttribute)))
            .Select(m => m switch { IPropertySymbol property => property.Type, IFieldSymbol field => field.Type, _ => null })
            .OfType<ITypeSymbol>()
            .ToList();

    private static bool IsExternal(INamedTypeSymbol contract, KnownTypes known) =>
        AttributeArguments.OfTopic(contract, "External", known)?.Value is true;

    /// <summary>What the whole-compilation checks need of one valid processor.</summary>
    private sealed record ProcessorFacts(string Name, string GroupId, string InputTopic, bool InputExternal, string? OutputTopic, bool OutputExternal, Location? Location);
}
