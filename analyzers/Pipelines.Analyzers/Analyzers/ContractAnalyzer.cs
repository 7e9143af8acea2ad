using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Pipelines.Generators.Parsing;

namespace Pipelines.Analyzers;

/// <summary>Reports why a <c>[Topic]</c> or <c>[MessageContract]</c> type cannot get a serializer: the contract parser's diagnostics.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContractAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.MustBePartial,
        DiagnosticDescriptors.InvalidTopicName,
        DiagnosticDescriptors.UnsupportedMemberType,
        DiagnosticDescriptors.DuplicateWireName,
        DiagnosticDescriptors.InvalidTimestamp,
        DiagnosticDescriptors.UnserializableMember,
        DiagnosticDescriptors.UnsupportedContractType,
        DiagnosticDescriptors.RecursiveContract,
        DiagnosticDescriptors.ConflictingFieldAttributes,
        DiagnosticDescriptors.InvalidWireName,
        DiagnosticDescriptors.MemberContractHasErrors,
        DiagnosticDescriptors.SettingOutOfRange,
        DiagnosticDescriptors.BufferSettingMisplaced,
        DiagnosticDescriptors.NotAnAvroName,
    ];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var topic = start.Compilation.GetTypeByMetadataName(KnownNames.TopicAttribute);
            var contract = start.Compilation.GetTypeByMetadataName(KnownNames.MessageContractAttribute);
            if (topic is null && contract is null)
            {
                return; // the project does not reference Pipelines
            }

            var buffer = start.Compilation.GetTypeByMetadataName(KnownNames.BufferAttribute);
            var processor = start.Compilation.GetTypeByMetadataName(KnownNames.ProcessorAttribute);
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, topic, contract, buffer, processor), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol? topic, INamedTypeSymbol? contract, INamedTypeSymbol? buffer, INamedTypeSymbol? processor)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!Attributes.Has(type, topic) && !Attributes.Has(type, contract))
        {
            // A buffer on a type that is neither a topic nor a processor would be silently ignored.
            if (buffer is not null && Attributes.Find(type, buffer) is { } misplaced && !Attributes.Has(type, processor))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.BufferSettingMisplaced,
                    misplaced.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations.FirstOrDefaultInSource(),
                    "[Buffer]",
                    type.Name,
                    "applies to [Topic] contracts (packing what processors write there) and [Processor] classes (buffering their input); this type is neither, so it would be ignored"));
            }

            return;
        }

        var diagnostics = new List<Diagnostic>();
        ContractParser.Parse(type, KnownTypes.For(context.Compilation), diagnostics, context.CancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }
    }
}
