using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Analyzers;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Reads a <c>[Buffer]</c>: on a processor it buffers the input (and may name hook methods), on a topic contract it
/// packs what processors write there. Checks every value against what the runtime accepts (BufferOptions.Validate)
/// and every hook against the signature the runtime calls, so mistakes are errors on the argument.
/// </summary>
internal static class BufferParser
{
    private const string Options = "global::Pipelines.Processing.BufferOptions";
    private static readonly string[] InputOnly = ["Reorder", "Filter", "FlushWhen"];

    /// <summary>
    /// The buffer <paramref name="annotated"/> declares, or <see langword="null"/> when it declares none or
    /// <paramref name="diagnostics"/> received an error.
    /// </summary>
    /// <param name="annotated">The processor (input buffer) or the topic contract (output buffer).</param>
    /// <param name="contract">The buffered rows' contract: the processor's input, or the topic contract itself.</param>
    /// <param name="isInput">Whether <paramref name="annotated"/> is a processor.</param>
    /// <param name="otherInputs">A processor's other input contracts, when it has several: their rows share the buffer (it holds their <c>Merged</c> rows), so time rules need every one's timestamp, and the hooks, which take one contract, do not apply.</param>
    public static BufferModel? Parse(INamedTypeSymbol annotated, INamedTypeSymbol contract, bool isInput, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken, IReadOnlyList<INamedTypeSymbol>? otherInputs = null)
    {
        if (KnownTypes.Find(annotated, known.BufferAttribute) is not { } attribute)
        {
            return null;
        }

        var errors = diagnostics.Count;
        var settings = new List<string>();
        string? filter = null, flushWhen = null;
        foreach (var argument in attribute.NamedArguments)
        {
            var (name, value) = (argument.Key, argument.Value);
            string? problem = null;
            if (!isInput && InputOnly.Contains(name))
            {
                diagnostics.Report(DiagnosticDescriptors.BufferSettingMisplaced, Location(name), name, annotated.Name, "applies to input buffers only: put it on the [Buffer] of a processor that reads this topic");
                continue;
            }

            switch (name)
            {
                case "MaxRows":
                case "MaxBytes":
                    if (value.Value is int number && number >= 1)
                    {
                        settings.Add($"{name} = {number.ToString(CultureInfo.InvariantCulture)}");
                    }
                    else
                    {
                        problem = $"is {value.Value}; it must be 1 or more";
                    }

                    break;
                case "DataSpan":
                case "Timeout":
                case "Reorder":
                    if (ProcessorSettingsParser.Duration(value, allowZero: false, ref problem) is { } duration)
                    {
                        if (name != "Timeout" && new[] { contract }.Concat(otherInputs ?? []).FirstOrDefault(c => !ContractValidator.HasTimestamp(c, known)) is { } untimed)
                        {
                            diagnostics.Report(DiagnosticDescriptors.BufferSettingMisplaced, Location(name), name, annotated.Name, $"needs row timestamps, and '{untimed.Name}' has no [Timestamp] member");
                            continue;
                        }

                        settings.Add($"{name} = {duration}");
                    }

                    break;
                case "Filter" or "FlushWhen" when otherInputs is { Count: > 0 }:
                    diagnostics.Report(DiagnosticDescriptors.BufferSettingMisplaced, Location(name), name, annotated.Name, "takes rows of one contract, and this processor reads several inputs; buffer by size or time");
                    break;
                case "Filter":
                    filter = Hook(annotated, contract, value, name, "bool {0}({1} row)", IsRow, diagnostics, Location(name));
                    break;
                case "FlushWhen":
                    flushWhen = Hook(annotated, contract, value, name, "bool {0}(IReadOnlyList<{1}> rows)", IsRowList, diagnostics, Location(name));
                    break;
            }

            if (problem is not null)
            {
                diagnostics.Report(DiagnosticDescriptors.SettingOutOfRange, Location(name), name, annotated.Name, problem);
            }
        }

        // A size rule that is written but wrong has its own error; this one is only for a Timeout with none beside it.
        var hasSizeRule = attribute.NamedArguments.Any(a => a.Key is "MaxRows" or "MaxBytes" or "DataSpan" or "FlushWhen");
        if (AttributeArguments.Named(attribute, "Timeout") is not null && !hasSizeRule)
        {
            diagnostics.Report(DiagnosticDescriptors.SettingOutOfRange, Location("Timeout"), "Timeout", annotated.Name, "is the only rule; a steady stream never goes quiet, so set MaxRows, MaxBytes, DataSpan or FlushWhen as well");
        }

        if (diagnostics.Count > errors)
        {
            return null;
        }

        return new BufferModel($"new {Options} {{ {string.Join(", ", settings)} }}", filter, flushWhen);

        Location? Location(string name) => AttributeArguments.Location(attribute, name, annotated, cancellationToken);
    }

    private static string? Hook(INamedTypeSymbol processor, INamedTypeSymbol contract, TypedConstant value, string setting, string signature, System.Func<ITypeSymbol, INamedTypeSymbol, bool> parameterMatches, List<Diagnostic> diagnostics, Location? location)
    {
        var name = value.Value as string;
        var candidates = name is null ? [] : processor.GetMembers(name).OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary).ToList();
        var match = candidates.FirstOrDefault(m =>
            m.ReturnType.SpecialType == SpecialType.System_Boolean && m.Parameters.Length == 1 && m.Parameters[0].RefKind is RefKind.None or RefKind.In
            && m.TypeParameters.Length == 0 && parameterMatches(m.Parameters[0].Type, contract));
        if (match is null)
        {
            var expected = string.Format(CultureInfo.InvariantCulture, signature, name ?? "Method", contract.Name);
            var found = candidates.Count == 0 ? $"'{processor.Name}' has no method named '{name}'" : $"'{processor.Name}.{name}' does not have that signature";
            diagnostics.Report(DiagnosticDescriptors.InvalidBufferHook, location, setting, processor.Name, expected, found);
            return null;
        }

        return match.Name; // called from inside the processor, where a static and an instance method look alike
    }

    private static bool IsRow(ITypeSymbol type, INamedTypeSymbol contract) => SymbolEqualityComparer.Default.Equals(type, contract);

    private static bool IsRowList(ITypeSymbol type, INamedTypeSymbol contract) =>
        type is INamedTypeSymbol { IsGenericType: true } list
        && CodecResolver.MetadataName(list.OriginalDefinition) == "System.Collections.Generic.IReadOnlyList`1"
        && SymbolEqualityComparer.Default.Equals(list.TypeArguments[0], contract);
}
