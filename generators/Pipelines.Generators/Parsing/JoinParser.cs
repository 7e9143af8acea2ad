using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Analyzers;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Reads a joining processor: its <c>[Join]</c> (exactly one of Within and AsOf, time spans the runtime accepts) and
/// its one <c>Handle(TLeft left, TRight right)</c> (a nullable right row makes a left join), both rows <c>[Topic]</c>
/// contracts with timestamps on topics of their own, returning one output or none. Reports PIPE026 otherwise.
/// </summary>
internal static class JoinParser
{
    private const string Shape = "TOut? Handle(TLeft left, TRight right) (TRight? right for a left join), TLeft and TRight [Topic] contracts with a [Timestamp], TOut a [Topic] contract";

    public static (HandlerShape Shape, EquatableArray<InputModel> Inputs, JoinModel Join)? Parse(
        INamedTypeSymbol type, AttributeData processor, AttributeData attribute, IReadOnlyList<IMethodSymbol> handlers, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var name = type.Name;
        var within = AttributeArguments.Named(attribute, "Within");
        var asOf = AttributeArguments.Named(attribute, "AsOf");
        if ((within is null) == (asOf is null))
        {
            return Refuse(AttributeArguments.Location(attribute, within is null ? null : "AsOf", type, cancellationToken), within is null ? "declares [Join] without Within or AsOf; set one" : "declares [Join] with both Within and AsOf; set one");
        }

        var (setting, span) = within is not null ? ("Within", within.Value) : ("AsOf", asOf!.Value);
        string? invalid = null;
        if (ProcessorSettingsParser.Duration(span, allowZero: false, ref invalid) is null)
        {
            return Refuse(AttributeArguments.Location(attribute, setting, type, cancellationToken), $"has [Join({setting} = ...)] that {invalid}");
        }

        var grace = AttributeArguments.Named(attribute, "Grace");
        if (grace is not null && ProcessorSettingsParser.Duration(grace.Value, allowZero: true, ref invalid) is null)
        {
            return Refuse(AttributeArguments.Location(attribute, "Grace", type, cancellationToken), $"has [Join(Grace = ...)] that {invalid}");
        }

        if (AttributeArguments.Named(processor, "InputTopic") is not null)
        {
            return Refuse(AttributeArguments.Location(processor, "InputTopic", type, cancellationToken), "joins two topics, each its contract's; remove InputTopic");
        }

        if (handlers.Count != 1)
        {
            return Refuse((handlers.Count == 0 ? (ISymbol)type : handlers[1]).Locations.FirstOrDefaultInSource(), $"declares [Join], so it has exactly one Handle for rows: {Shape}");
        }

        var handler = handlers[0];
        var parameters = handler.Parameters;
        if (parameters.Length != 2 || parameters[0].Type is not INamedTypeSymbol left || parameters[1].Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) is not INamedTypeSymbol right
            || ProcessorParser.Topic(left, known) is not { } leftTopic || ProcessorParser.Topic(right, known) is not { } rightTopic)
        {
            return Refuse(handler.Locations.FirstOrDefaultInSource(), $"declares [Join], so its Handle takes a row of each input: {Shape}");
        }

        var why = SymbolEqualityComparer.Default.Equals(left, right) || leftTopic == rightTopic ? $"joins topic \"{leftTopic}\" with itself; a join reads two topics"
            : !ContractValidator.HasTimestamp(left, known) ? $"joins '{left.Name}' by time, but it has no [Timestamp] member"
            : !ContractValidator.HasTimestamp(right, known) ? $"joins '{right.Name}' by time, but it has no [Timestamp] member"
            : null;
        if (why is not null)
        {
            return Refuse(handler.Locations.FirstOrDefaultInSource(), why);
        }

        if (ProcessorParser.ReadReturn(handler, known, out var problem) is not { Returns: HandlerReturn.Value, ReturnsMany: false, Output: { } output } returned)
        {
            return Refuse(handler.Locations.FirstOrDefaultInSource(), $"declares [Join], so its Handle returns one output row or null: {Shape}{(problem is null ? "" : $" ({problem})")}");
        }

        if (!ContractValidator.IsUsable(left, known, cancellationToken) || !ContractValidator.IsUsable(right, known, cancellationToken))
        {
            // The contract's own diagnostics are the one message about it.
            return null;
        }

        var call = new CallModel(handler.Name, HandlerReturn.Value, false, false, false);
        var shape = new HandlerShape(left, leftTopic, false, output.ToDisplayString(CodecResolver.TypeFormat), output, returned.OutputTopic, call, null);
        var inputs = new[] { (left, leftTopic), (right, rightTopic) }.Select(i => new InputModel(i.Item1.ToDisplayString(CodecResolver.TypeFormat), i.Item2, call)).ToEquatableArray();
        var keepsUnmatched = parameters[1].Type.NullableAnnotation == NullableAnnotation.Annotated;
        return (shape, inputs, new JoinModel(setting == "Within" ? "Interval" : "AsOf", ProcessorSettingsParser.Ticks(span), ProcessorSettingsParser.Ticks(grace ?? span), keepsUnmatched));

        (HandlerShape, EquatableArray<InputModel>, JoinModel)? Refuse(Location? location, string reason)
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidJoin, location, name, reason);
            return null;
        }
    }
}
