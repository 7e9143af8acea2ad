using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Analyzers;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Reads a windowed processor: its <c>[Window]</c> (one kind, sizes the runtime accepts) and the methods that take
/// the place of <c>Handle</c>: <c>TAcc Aggregate(TAcc, TIn)</c>, <c>TOut Emit(WindowInfo, TAcc)</c> and, for sessions,
/// <c>TAcc Merge(TAcc, TAcc)</c>; or <c>TOut Emit(WindowInfo, WindowStats)</c> with <c>Of</c> naming <c>double M(TIn)</c>.
/// </summary>
internal static class WindowParser
{
    public const string Shapes = "TAcc Aggregate(TAcc accumulator, TIn row) and TOut Emit(WindowInfo window, TAcc accumulator) (with TAcc Merge(TAcc left, TAcc right) for session and sliding windows), or TOut Emit(WindowInfo window, WindowStats stats) with [Window(Of = nameof(Method))] naming double Method(TIn row), or TOut Emit(WindowInfo window, IReadOnlyList<TIn> rows)";
    private const string Stats = "global::Pipelines.WindowStats";
    private static readonly string[] Kinds = ["Tumbling", "Hopping", "Session", "Sliding"];

    /// <summary>The windowed processor's shape and windows, or <see langword="null"/> when <paramref name="diagnostics"/> received an error.</summary>
    public static (HandlerShape Shape, WindowModel Window)? Parse(INamedTypeSymbol type, AttributeData attribute, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var errors = diagnostics.Count;
        var settings = ReadSettings(type, attribute, diagnostics, cancellationToken);
        var emit = Method(type, "Emit");
        if (emit is null || emit.Parameters.Length != 2 || !KnownTypes.Is(emit.Parameters[0].Type, known.WindowInfo) || emit.Parameters[1].Type is not INamedTypeSymbol accumulator)
        {
            Report(emit ?? (ISymbol)type, emit is null ? "has no Emit method" : "has an Emit whose parameters are not (WindowInfo window, TAcc accumulator)");
            return null;
        }

        if (Topic(emit.ReturnType, known) is not { } outputTopic)
        {
            Report(emit, $"has an Emit returning '{emit.ReturnType.ToDisplayString()}', which is not a [Topic] contract");
            return null;
        }

        var output = (INamedTypeSymbol)emit.ReturnType.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        var usesStats = KnownTypes.Is(accumulator, known.WindowStats);

        // Built-in collect: Emit(WindowInfo, IReadOnlyList<TIn>) keeps the window's rows themselves.
        var collected = KnownTypes.Is(accumulator, known.ReadOnlyListOfT) && accumulator.TypeArguments[0] is INamedTypeSymbol rowType && Topic(rowType, known) is not null ? rowType : null;
        var statsOf = AttributeArguments.Named(attribute, "Of")?.Value as string;
        if (statsOf is not null && !usesStats)
        {
            var takes = collected is not null ? "the window's rows" : $"'{accumulator.Name}', which Aggregate fills";
            diagnostics.Report(DiagnosticDescriptors.InvalidWindowSetting, AttributeArguments.Location(attribute, "Of", type, cancellationToken), "Of", type.Name, $"applies only to an Emit that takes WindowStats; this one takes {takes}");
            return null;
        }

        INamedTypeSymbol? input;
        string accumulatorType;
        string? selector = null;
        var hasMerge = false;
        if (collected is not null)
        {
            input = collected;
            accumulatorType = $"global::System.Collections.Generic.List<{collected.ToDisplayString(CodecResolver.TypeFormat)}>";
        }
        else if (usesStats)
        {
            var candidates = statsOf is null ? [] : type.GetMembers(statsOf).OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary && m.Parameters.Length == 1 && IsNumber(m.ReturnType)).ToList();
            input = candidates.Count == 1 ? candidates[0].Parameters[0].Type as INamedTypeSymbol : null;
            if (input is null || Topic(input, known) is null)
            {
                diagnostics.Report(DiagnosticDescriptors.InvalidWindowMethod, statsOf is null ? emit.Locations.FirstOrDefaultInSource() : AttributeArguments.Location(attribute, "Of", type, cancellationToken), type.Name,
                    statsOf is null ? "keeps WindowStats, so [Window(Of = nameof(Method))] must name a method double Method(TIn row) that picks the value"
                    : $"names '{statsOf}' in Of, which must be one method double {statsOf}(TIn row) of the processor, TIn a [Topic] contract");
                return null;
            }

            selector = candidates[0].Name;
            accumulatorType = Stats;
        }
        else
        {
            var aggregate = Method(type, "Aggregate");
            if (aggregate is null || aggregate.Parameters.Length != 2 || !Same(aggregate.Parameters[0].Type, accumulator) || !Same(aggregate.ReturnType, accumulator))
            {
                Report(aggregate ?? (ISymbol)emit, $"{(aggregate is null ? "has no Aggregate method" : "has an Aggregate of the wrong shape")}; declare {accumulator.Name} Aggregate({accumulator.Name} accumulator, TIn row)");
                return null;
            }

            input = aggregate.Parameters[1].Type as INamedTypeSymbol;
            if (input is null || Topic(input, known) is null)
            {
                Report(aggregate, $"has an Aggregate whose row is '{aggregate.Parameters[1].Type.ToDisplayString()}', not a [Topic] contract");
                return null;
            }

            if (!ContractValidator.IsAnnotatedContract(accumulator, known) && !ContractValidator.IsUsable(accumulator, known, cancellationToken))
            {
                diagnostics.Report(DiagnosticDescriptors.StateNotContract, emit.Parameters[1], type.Name, accumulator.ToDisplayString());
                return null;
            }

            if (!accumulator.IsValueType && !accumulator.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public))
            {
                Report(emit.Parameters[1], $"keeps '{accumulator.Name}' in its windows, which needs a public parameterless constructor for a window's first row (or make it a record struct)");
                return null;
            }

            var merge = Method(type, "Merge");
            hasMerge = merge is not null;
            if (merge is not null && (merge.Parameters.Length != 2 || !merge.Parameters.All(p => Same(p.Type, accumulator)) || !Same(merge.ReturnType, accumulator)))
            {
                Report(merge, $"has a Merge of the wrong shape; declare {accumulator.Name} Merge({accumulator.Name} left, {accumulator.Name} right)");
                return null;
            }

            if (settings?.Kind is "Session" or "Sliding" && merge is null)
            {
                Report(aggregate, settings.Kind == "Session"
                    ? $"has session windows, which merge when a row bridges two; declare {accumulator.Name} Merge({accumulator.Name} left, {accumulator.Name} right)"
                    : $"has sliding windows, which merge the accumulators of the rows they span; declare {accumulator.Name} Merge({accumulator.Name} left, {accumulator.Name} right)");
                return null;
            }

            accumulatorType = accumulator.ToDisplayString(CodecResolver.TypeFormat);
        }

        if (!ContractValidator.HasTimestamp(input, known))
        {
            diagnostics.Report(DiagnosticDescriptors.WindowWithoutTimestamp, attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? type.Locations.FirstOrDefaultInSource(), type.Name, input.Name);
            return null;
        }

        if (settings is null || diagnostics.Count > errors)
        {
            return null;
        }

        var window = settings with
        {
            Accumulator = accumulatorType,
            StatsOf = selector,
            Empty = collected is not null || !accumulator.IsValueType ? "new()" : "default",
            HasMerge = hasMerge,
            Collects = collected is not null,
        };
        var shape = new HandlerShape(input, Topic(input, known)!, false, output.ToDisplayString(CodecResolver.TypeFormat), output, outputTopic, null, null);
        return (shape, window);

        void Report(ISymbol at, string problem) =>
            diagnostics.Report(DiagnosticDescriptors.InvalidWindowMethod, at, type.Name, problem + $"; a windowed processor declares {Shapes}");
    }

    /// <summary>The window's kind and times, or <see langword="null"/> after reporting what is wrong with them.</summary>
    private static WindowModel? ReadSettings(INamedTypeSymbol type, AttributeData attribute, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var kinds = Kinds.Where(k => AttributeArguments.Named(attribute, k) is not null).ToList();
        if (kinds.Count != 1)
        {
            Report(kinds.Count == 0 ? null : kinds[1], "Window", kinds.Count == 0 ? "sets no kind; set one of Tumbling, Hopping (with Hop), Session or Sliding" : $"sets {string.Join(" and ", kinds)}; a processor has one kind of window");
            return null;
        }

        var kind = kinds[0];
        var size = Time(kind, allowZero: false);
        var hop = AttributeArguments.Named(attribute, "Hop") is null ? null : Time("Hop", allowZero: false);
        var grace = AttributeArguments.Named(attribute, "Grace") is null ? 0 : Time("Grace", allowZero: true);
        var idle = AttributeArguments.Named(attribute, "CloseAfterIdle") is null ? null : Time("CloseAfterIdle", allowZero: false);
        string? problem = null;
        const string OnUpdate = "global::Pipelines.WindowEmit.OnUpdate";
        var emit = AttributeArguments.Named(attribute, "Emit") is { } emitValue ? AttributeArguments.EnumMember(emitValue, ref problem)
            : kind == "Sliding" ? OnUpdate : "global::Pipelines.WindowEmit.OnClose";
        if (problem is not null)
        {
            Report("Emit", "Emit", problem);
        }
        else if (kind == "Sliding" && emit != OnUpdate)
        {
            problem = "is OnClose, but a sliding window is written as its row arrives; leave Emit out";
            Report("Emit", "Emit", problem);
        }

        if (kind == "Hopping" && AttributeArguments.Named(attribute, "Hop") is null)
        {
            Report(kind, "Hop", "is missing; hopping windows need it: how far apart they start");
        }
        else if (kind != "Hopping" && AttributeArguments.Named(attribute, "Hop") is not null)
        {
            Report("Hop", "Hop", $"applies to hopping windows only; these are {kind.ToLowerInvariant()}");
        }
        else if (kind == "Hopping" && size is { } s && hop is { } h && (h > s || s % h != 0))
        {
            Report("Hop", "Hop", h > s ? "is longer than the windows; a hop must be at most their size" : "does not divide the windows' size evenly; choose a hop that does, so each row is in the same number of windows");
        }

        if (size is null || grace is null || problem is not null || (kind == "Hopping" && hop is null) || (AttributeArguments.Named(attribute, "CloseAfterIdle") is not null && idle is null))
        {
            return null;
        }

        return new WindowModel(kind, size.Value, hop ?? size.Value, grace.Value, idle, emit!, "", null, "", false, false);

        long? Time(string name, bool allowZero)
        {
            string? invalid = null;
            var value = AttributeArguments.Named(attribute, name)!.Value;
            if (ProcessorSettingsParser.Duration(value, allowZero, ref invalid) is null)
            {
                Report(name, name, invalid!);
                return null;
            }

            return ProcessorSettingsParser.Ticks(value);
        }

        void Report(string? argument, string setting, string what) =>
            diagnostics.Report(DiagnosticDescriptors.InvalidWindowSetting, AttributeArguments.Location(attribute, argument, type, cancellationToken), setting, type.Name, what);
    }

    private static IMethodSymbol? Method(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).OfType<IMethodSymbol>().FirstOrDefault(m => m.MethodKind == MethodKind.Ordinary && !m.IsStatic);

    private static bool Same(ITypeSymbol a, ITypeSymbol b) =>
        SymbolEqualityComparer.Default.Equals(a.WithNullableAnnotation(NullableAnnotation.NotAnnotated), b.WithNullableAnnotation(NullableAnnotation.NotAnnotated));

    private static bool IsNumber(ITypeSymbol type) => type.SpecialType is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32 or SpecialType.System_Int64
        or SpecialType.System_Int16 or SpecialType.System_Byte or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_SByte or SpecialType.System_Decimal;

    private static string? Topic(ITypeSymbol type, KnownTypes known) =>
        type is INamedTypeSymbol named ? KnownTypes.Find(named.WithNullableAnnotation(NullableAnnotation.NotAnnotated), known.TopicAttribute)?.ConstructorArguments.FirstOrDefault().Value as string : null;
}
