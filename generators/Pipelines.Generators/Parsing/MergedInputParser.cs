using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Analyzers;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Reads a processor with several row handlers, one per input contract (a merge): each input's topic and call, and
/// one shape for the whole (the first handler's, with the state any handler takes). Every handler takes one row, returns
/// what the others return and keeps the same state; the processor reads each input's topic, so it does not rename its
/// input topic. Reports PIPE006 with the reason otherwise.
/// </summary>
internal static class MergedInputParser
{
    /// <summary>The most inputs a processor reads (the runtime's <c>Merged</c> rows).</summary>
    public const int MaxInputs = 3;

    public static (HandlerShape Shape, EquatableArray<InputModel> Inputs)? Parse(
        INamedTypeSymbol type, AttributeData attribute, IReadOnlyList<IMethodSymbol> handlers, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var name = type.Name;
        if (handlers.Count > MaxInputs)
        {
            return Refuse(diagnostics, handlers[MaxInputs], name, $"has {handlers.Count} methods named Handle for rows; a processor reads at most {MaxInputs} inputs, one Handle per input contract");
        }

        if (AttributeArguments.Named(attribute, "InputTopic") is not null)
        {
            return Refuse(diagnostics, AttributeArguments.Location(attribute, "InputTopic", type, cancellationToken), name, "reads several inputs, each the topic of its contract; InputTopic cannot name one of them (remove it: each input's topic is its contract's [Topic])");
        }

        var shapes = new List<HandlerShape>();
        foreach (var handler in handlers)
        {
            if (ProcessorParser.ReadShape(handler, known, out var problem) is not { } shape)
            {
                return Refuse(diagnostics, handler, name, problem!);
            }

            var why = shape.HandlesBatches ? "takes a list of rows; with several inputs each Handle takes one row"
                : shape.TableParameters is { Count: > 0 } ? "reads a table; tables are not available to a processor with several inputs yet"
                : shapes.Any(s => SymbolEqualityComparer.Default.Equals(s.Input, shape.Input)) ? $"has two Handle methods for '{shape.Input.Name}'; keep one per input contract"
                : shapes.Any(s => s.InputTopic == shape.InputTopic) ? $"reads topic \"{shape.InputTopic}\" through two contracts; each input must be a topic of its own"
                : shapes.Count > 0 && shapes[0].Output != shape.Output ? $"returns '{Display(shape.OutputSymbol)}' from one Handle and '{Display(shapes[0].OutputSymbol)}' from another; every input's Handle writes the same output"
                : shapes.FirstOrDefault(s => s.StateParameter is not null) is { } stateful && shape.StateParameter is { } state && !SymbolEqualityComparer.Default.Equals(stateful.StateParameter!.Type, state.Type)
                    ? $"keeps '{state.Type.ToDisplayString()}' in one Handle and '{stateful.StateParameter.Type.ToDisplayString()}' in another; the inputs share one keyed state"
                : null;
            if (why is not null)
            {
                return Refuse(diagnostics, handler, name, why);
            }

            if (!ContractValidator.IsUsable(shape.Input, known, cancellationToken))
            {
                // The contract's own diagnostics are the one message about it.
                return null;
            }

            shapes.Add(shape);
        }

        var first = shapes[0];
        var merged = first with { StateParameter = shapes.Select(s => s.StateParameter).FirstOrDefault(p => p is not null) };
        var inputs = shapes.Select(s => new InputModel(s.Input.ToDisplayString(CodecResolver.TypeFormat), s.InputTopic, s.Call!)).ToEquatableArray();
        return (merged, inputs);
    }

    /// <summary>The runtime's row of a processor reading <paramref name="inputs"/>.</summary>
    public static string MergedType(EquatableArray<InputModel> inputs) =>
        $"{KnownNames.Infrastructure}Merged<{string.Join(", ", inputs.Select(i => i.Type))}>";

    private static string Display(INamedTypeSymbol? output) => output?.ToDisplayString() ?? "nothing";

    private static (HandlerShape, EquatableArray<InputModel>)? Refuse(List<Diagnostic> diagnostics, ISymbol symbol, string name, string problem)
    {
        diagnostics.Report(DiagnosticDescriptors.InvalidProcessorHandler, symbol, name, problem);
        return null;
    }

    private static (HandlerShape, EquatableArray<InputModel>)? Refuse(List<Diagnostic> diagnostics, Location? location, string name, string problem)
    {
        diagnostics.Report(DiagnosticDescriptors.InvalidProcessorHandler, location, name, problem);
        return null;
    }
}
