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

            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, topic, contract), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol? topic, INamedTypeSymbol? contract)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!Attributes.Has(type, topic) && !Attributes.Has(type, contract))
        {
            return;
        }

        var diagnostics = new List<Diagnostic>();
        ContractParser.Parse(type, diagnostics, context.CancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }
    }
}
