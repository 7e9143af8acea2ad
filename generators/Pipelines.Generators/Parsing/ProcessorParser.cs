using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Analyzers;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>Turns a <c>[Processor]</c> class into a <see cref="ProcessorModel"/>, or into the diagnostics that explain why it cannot be one.</summary>
internal static class ProcessorParser
{
    private const string HandlerName = "Handle";
    private const string Shapes = "Handle(TIn row or IReadOnlyList<TIn> rows[, State<TState> state][, GlobalTable<TTable> or Table<TTable> table, ...][, StreamContext context][, CancellationToken cancellationToken]) returning TOut or a collection of TOut (IEnumerable<TOut>, TOut[], List<TOut>, ...), directly or as ValueTask<...> or Task<...> (or void, ValueTask or Task for a sink), where TIn and TOut are [Topic] contracts";
    private const string NoOutput = "global::Pipelines.Processing.NoOutput";

    /// <summary>The processor's model, or <see langword="null"/> when <paramref name="diagnostics"/> received an error.</summary>
    public static ProcessorModel? Parse(INamedTypeSymbol type, AttributeData attribute, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken) =>
        Parse(type, attribute, known, diagnostics, out _, cancellationToken);

    /// <summary>As the other overload, and also the symbols behind a valid processor, for the analyzers' checks across processors.</summary>
    public static ProcessorModel? Parse(INamedTypeSymbol type, AttributeData attribute, KnownTypes known, List<Diagnostic> diagnostics, out ProcessorSymbols? symbols, CancellationToken cancellationToken)
    {
        symbols = null;
        var errors = diagnostics.Count;
        if (TypeDeclarations.FirstNotPartial(type) is { } notPartial)
        {
            diagnostics.Report(DiagnosticDescriptors.MustBePartial, type, notPartial.ToDisplayString());
        }

        var settings = ProcessorSettingsParser.Parse(type, attribute, diagnostics, cancellationToken);
        var name = type.Name;
        var methods = type.GetMembers(HandlerName).OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary && !m.IsStatic).ToList();
        var eventHandlers = methods.Where(m => m.Parameters.Length > 0 && KnownTypes.Is(m.Parameters[0].Type, known.StreamEvent)).ToList();
        var handlers = methods.Except(eventHandlers).ToList();
        var windowAttribute = KnownTypes.Find(type, known.WindowAttribute);
        var joinAttribute = KnownTypes.Find(type, known.JoinAttribute);
        if (windowAttribute is not null && joinAttribute is not null)
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidJoin, type, name, "declares both [Window] and [Join]; a processor either aggregates its rows in windows or joins two topics");
            return null;
        }

        if (windowAttribute is not null && handlers.Count > 0)
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidWindowMethod, handlers[0], name, $"declares [Window], so its rows go to Aggregate and Emit, not to {HandlerName}; remove {HandlerName}(row), or the [Window] to handle rows one by one");
            return null;
        }

        if (windowAttribute is not null && eventHandlers.Count > 1)
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidProcessorHandler, eventHandlers[1], name, $"has {eventHandlers.Count} methods named {HandlerName} for events; keep exactly one");
            return null;
        }

        // Several row handlers are several inputs (MergedInputParser); several event handlers are a mistake.
        if (windowAttribute is null && (eventHandlers.Count > 1 || methods.Count == 0))
        {
            var problem = methods.Count == 0 ? $"has no instance method named {HandlerName}; declare {Shapes}"
                : $"has {eventHandlers.Count} methods named {HandlerName} for events; keep exactly one";
            diagnostics.Report(DiagnosticDescriptors.InvalidProcessorHandler, methods.Count == 0 ? type : eventHandlers[1], name, problem);
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var handler = handlers.FirstOrDefault();
        HandlerShape? shape;
        var inputs = EquatableArray<InputModel>.Empty;
        JoinModel? join = null;
        string? problemWithShape = null;
        WindowModel? window = null;
        if (windowAttribute is not null)
        {
            if (WindowParser.Parse(type, windowAttribute, known, diagnostics, cancellationToken) is not { } windowed)
            {
                return null;
            }

            (shape, window) = windowed;
        }
        else if (joinAttribute is not null)
        {
            if (JoinParser.Parse(type, attribute, joinAttribute, handlers, known, diagnostics, cancellationToken) is not { } joined)
            {
                return null;
            }

            (shape, inputs, join) = joined;
        }
        else if (handlers.Count > 1)
        {
            if (MergedInputParser.Parse(type, attribute, handlers, known, diagnostics, cancellationToken) is not { } merged)
            {
                return null;
            }

            (shape, inputs) = merged;
        }
        else if (handler is not null)
        {
            shape = ReadShape(handler, known, out problemWithShape);
        }
        else if (Named(attribute, "InputTopic") is { } eventTopic && EventsOnly(eventHandlers[0], eventTopic, known, out problemWithShape) is { } eventShape)
        {
            shape = eventShape;
        }
        else
        {
            shape = null;
            problemWithShape ??= $"handles only events, so it must name the topic they travel on: [Processor(InputTopic = \"...\")]";
        }

        if (shape is null)
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidProcessorHandler, handler ?? eventHandlers[0], name, problemWithShape!);
            return null;
        }

        var readsRows = handler is not null || window is not null;

        var (input, inputTopic, handlesBatches, output, outputSymbol, outputTopic, handle, stateParameter, tableParameters) = shape;
        var stateType = stateParameter is null ? null : StateType(type, stateParameter, known, diagnostics, cancellationToken);
        if (stateParameter is not null && stateType is null)
        {
            return null;
        }

        var tables = new List<TableModel>();
        foreach (var parameter in tableParameters ?? [])
        {
            if (TableOf(type, parameter, known, diagnostics, cancellationToken) is not { } table)
            {
                return null;
            }

            tables.Add(table);
        }

        var onEvent = ReadCall(type, eventHandlers.FirstOrDefault(), [known.StreamEvent], allowContext: true, known, ref outputSymbol, ref output, ref outputTopic, diagnostics);
        var onOpened = ReadCall(type, Method(type, "OnStreamOpened"), [known.StreamInfo], allowContext: false, known, ref outputSymbol, ref output, ref outputTopic, diagnostics);
        var onClosed = ReadCall(type, Method(type, "OnStreamClosed"), [known.StreamInfo, known.StreamEnd], allowContext: false, known, ref outputSymbol, ref output, ref outputTopic, diagnostics);
        if (diagnostics.Count > errors)
        {
            return null;
        }

        if ((readsRows && !ContractValidator.IsUsable(input, known, cancellationToken)) || (outputSymbol is not null && !ContractValidator.IsUsable(outputSymbol, known, cancellationToken)))
        {
            // The contract gets no serializer, so code for this processor could not compile; the contract's own
            // diagnostics are the one message about it.
            return null;
        }

        var groupId = Named(attribute, "GroupId") ?? KebabCase(name);
        inputTopic = Named(attribute, "InputTopic") ?? inputTopic;
        outputTopic = outputTopic is null ? null : Named(attribute, "OutputTopic") ?? outputTopic;
        foreach (var (topic, setting) in new[] { (inputTopic, "InputTopic"), (outputTopic, "OutputTopic") })
        {
            // A topic that comes from a contract is checked on the contract; only an override is this processor's to report.
            if (topic is not null && Named(attribute, setting) is not null && TopicName.Validate(topic) is { } invalid)
            {
                diagnostics.Report(DiagnosticDescriptors.InvalidTopicName, AttributeArguments.Location(attribute, setting, type, cancellationToken), topic, name + "." + setting, invalid);
            }
        }

        // With several inputs (a merge, or a join's two), the buffer holds every input's rows.
        IReadOnlyList<IParameterSymbol> inputRows = inputs.Count == 0 ? [] : join is not null ? [.. handlers[0].Parameters.Take(2)] : handlers.Select(h => h.Parameters[0]).ToList();
        var otherInputs = inputRows.Skip(1).Select(ContractOf).ToList();
        var inputBuffer = !readsRows ? null : BufferParser.Parse(type, input, isInput: true, known, diagnostics, cancellationToken, otherInputs.Count > 0 ? otherInputs : null);
        if (diagnostics.Count > errors)
        {
            return null;
        }

        if (inputBuffer is not null)
        {
            settings = settings.Concat([new SettingModel("InputBuffer", inputBuffer.Expression)]).ToEquatableArray();
        }

        // The output contract's buffer packs what every processor writes there (its errors are the contract's to report).
        if (outputSymbol is not null && BufferParser.Parse(outputSymbol, outputSymbol, isInput: false, known, [], cancellationToken) is { } outputBuffer)
        {
            settings = settings.Concat([new SettingModel("OutputBuffer", outputBuffer.Expression)]).ToEquatableArray();
        }

        // The output contract's compression is the processor's default; its own attribute or configuration wins.
        if (outputSymbol is not null && AttributeArguments.Named(attribute, "Compression") is null &&
            AttributeArguments.OfTopic(outputSymbol, "Compression", known) is { } compression)
        {
            string? ignored = null; // an undefined value is reported on the contract
            if (AttributeArguments.EnumMember(compression, ref ignored) is { } member)
            {
                settings = settings.Concat([new SettingModel("Compression", member)]).ToEquatableArray();
            }
        }

        symbols = new ProcessorSymbols(handler ?? (window is not null ? WindowEmit(type) : null) ?? eventHandlers[0], readsRows && inputs.Count == 0 ? input : null, outputSymbol, inputRows);
        return new ProcessorModel(
            TypeDeclarations.Namespace(type),
            TypeDeclarations.ContainingTypeModels(type),
            TypeDeclarations.Declaration(type),
            type.ToDisplayString(CodecResolver.TypeFormat),
            name,
            groupId,
            inputs.Count > 0 ? MergedInputParser.MergedType(inputs) : readsRows ? input.ToDisplayString(CodecResolver.TypeFormat) : NoOutput,
            inputTopic,
            output,
            outputTopic,
            handle,
            handlesBatches,
            stateType,
            window,
            settings,
            onEvent,
            onOpened,
            onClosed,
            inputBuffer?.Filter,
            inputBuffer?.FlushWhen,
            TypeDeclarations.HintName(type, ".Processor.g.cs"),
            tables.ToEquatableArray(),
            inputs,
            join);
    }

    private static IMethodSymbol? WindowEmit(INamedTypeSymbol type) => Method(type, "Emit");

    /// <summary>The contract of a row parameter (a join's right row may be nullable).</summary>
    public static INamedTypeSymbol ContractOf(IParameterSymbol row) => (INamedTypeSymbol)row.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);

    private static IMethodSymbol? Method(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).OfType<IMethodSymbol>().FirstOrDefault(m => m.MethodKind == MethodKind.Ordinary && !m.IsStatic);

    /// <summary>The shape of a processor that has only an event handler: no rows, the topic from its attribute.</summary>
    private static HandlerShape? EventsOnly(IMethodSymbol eventHandler, string topic, KnownTypes known, out string? problem)
    {
        var result = ReadReturn(eventHandler, known, out problem);
        if (result is not { } returned)
        {
            return null;
        }

        return new HandlerShape(eventHandler.ContainingType, topic, false, returned.Output?.ToDisplayString(CodecResolver.TypeFormat) ?? NoOutput, returned.Output, returned.OutputTopic, null, null);
    }

    /// <summary>
    /// Reads an event handler or a stream hook: its leading parameters, then optionally a StreamContext (events) and a
    /// CancellationToken; it returns nothing or what the processor writes (which it may decide, if nothing else does).
    /// </summary>
    private static CallModel? ReadCall(INamedTypeSymbol type, IMethodSymbol? method, INamedTypeSymbol?[] leading, bool allowContext, KnownTypes known, ref INamedTypeSymbol? output, ref string outputType, ref string? outputTopic, List<Diagnostic> diagnostics)
    {
        if (method is null)
        {
            return null;
        }

        var parameters = method.Parameters;
        var next = 0;
        var expected = string.Join(", ", leading.Select(l => l?.Name)) + (allowContext ? "[, StreamContext context]" : "") + "[, CancellationToken cancellationToken]";
        while (next < leading.Length && next < parameters.Length && KnownTypes.Is(parameters[next].Type, leading[next]))
        {
            next++;
        }

        var takesContext = allowContext && next == leading.Length && next < parameters.Length && KnownTypes.Is(parameters[next].Type, known.StreamContext);
        next += takesContext ? 1 : 0;
        var takesCancellation = next == leading.Length + (takesContext ? 1 : 0) && next < parameters.Length && KnownTypes.Is(parameters[next].Type, known.CancellationToken);
        next += takesCancellation ? 1 : 0;
        if (next != parameters.Length || parameters.Length < leading.Length)
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidProcessorHandler, method, type.Name, $"has a {method.Name} whose parameters are not ({expected})");
            return null;
        }

        if (ReadReturn(method, known, out var problem) is not { } returned)
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidProcessorHandler, method, type.Name, problem!);
            return null;
        }

        if (returned.Output is { } produced)
        {
            if (output is null)
            {
                (output, outputType, outputTopic) = (produced, produced.ToDisplayString(CodecResolver.TypeFormat), returned.OutputTopic);
            }
            else if (!SymbolEqualityComparer.Default.Equals(output, produced))
            {
                diagnostics.Report(DiagnosticDescriptors.InvalidProcessorHandler, method, type.Name, $"has a {method.Name} returning '{produced.Name}' while it writes '{output.Name}'; a processor writes one topic, so return '{output.Name}' or nothing");
                return null;
            }
        }

        return new CallModel(method.Name, returned.Returns, returned.ReturnsMany, takesContext, takesCancellation);
    }

    /// <summary>The contract and topic of a handler's <c>GlobalTable&lt;T&gt;</c> or <c>Table&lt;T&gt;</c> parameter, or null after reporting why it cannot be read.</summary>
    private static TableModel? TableOf(INamedTypeSymbol type, IParameterSymbol parameter, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var read = ((INamedTypeSymbol)parameter.Type).TypeArguments[0];
        if (read is not INamedTypeSymbol contract || Topic(contract, known) is not { } topic)
        {
            diagnostics.Report(DiagnosticDescriptors.TableNotTopicContract, parameter, type.Name, read.ToDisplayString());
            return null;
        }

        // A contract with errors of its own gets no serializer; its diagnostics are the one message about it.
        return ContractValidator.IsUsable(contract, known, cancellationToken)
            ? new TableModel(contract.ToDisplayString(CodecResolver.TypeFormat), topic, Partitioned: KnownTypes.Is(parameter.Type, known.TableOfT))
            : null;
    }

    /// <summary>The contract a handler's <c>State&lt;T&gt;</c> parameter keeps, fully qualified, or null after reporting why it cannot be kept.</summary>
    private static string? StateType(INamedTypeSymbol type, IParameterSymbol parameter, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var kept = ((INamedTypeSymbol)parameter.Type).TypeArguments[0];

        if (kept is not INamedTypeSymbol contract || !ContractValidator.IsAnnotatedContract(contract, known) && !ContractValidator.IsUsable(contract, known, cancellationToken))
        {
            diagnostics.Report(DiagnosticDescriptors.StateNotContract, parameter, type.Name, kept.ToDisplayString());
            return null;
        }

        // A contract with errors of its own gets no serializer; its diagnostics are the one message about it.
        return ContractValidator.IsUsable(contract, known, cancellationToken) ? contract.ToDisplayString(CodecResolver.TypeFormat) : null;
    }

    private static string? Named(AttributeData attribute, string name) =>
        AttributeArguments.Named(attribute, name)?.Value as string;

    /// <summary><c>BrakeMonitor</c> → <c>brake-monitor</c>; <c>HTTPGateway</c> → <c>http-gateway</c>.</summary>
    public static string KebabCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    /// <summary>One row handler's input, output, state, tables and call, or null with the <paramref name="problem"/>.</summary>
    internal static HandlerShape? ReadShape(IMethodSymbol handler, KnownTypes known, out string? problem)
    {
        problem = null;
        var parameters = handler.Parameters;
        var first = parameters.Length == 0 ? null : parameters[0].Type as INamedTypeSymbol;
        var handlesBatches = first is { IsGenericType: true } && KnownTypes.Is(first, known.ReadOnlyListOfT);
        if (handlesBatches)
        {
            first = first!.TypeArguments[0] as INamedTypeSymbol;
        }

        if (first is not { } input || Topic(input, known) is not { } inputTopic)
        {
            problem = $"has a {HandlerName} whose first parameter is {(parameters.Length == 0 ? "missing" : $"'{parameters[0].Type.ToDisplayString()}', not a [Topic] contract or a list of one")}; declare {Shapes}";
            return null;
        }

        var next = 1;
        var state = next < parameters.Length && KnownTypes.Is(parameters[next].Type, known.StateOfT) ? parameters[next] : null;
        if (state is not null)
        {
            next++;
        }

        var tables = new List<IParameterSymbol>();
        while (next < parameters.Length && known.IsTable(parameters[next].Type))
        {
            tables.Add(parameters[next++]);
        }

        var takesContext = next < parameters.Length && KnownTypes.Is(parameters[next].Type, known.StreamContext);
        if (takesContext)
        {
            next++;
        }

        var takesCancellation = next < parameters.Length && KnownTypes.Is(parameters[next].Type, known.CancellationToken);
        if (takesCancellation)
        {
            next++;
        }

        if (next != parameters.Length)
        {
            problem = $"has a {HandlerName} with an unexpected parameter '{parameters[next].Name}' of type '{parameters[next].Type.ToDisplayString()}'; declare {Shapes}";
            return null;
        }

        if (ReadReturn(handler, known, out problem) is not { } returned)
        {
            return null;
        }

        var call = new CallModel(HandlerName, returned.Returns, returned.ReturnsMany, takesContext, takesCancellation, TakesState: state is not null, Tables: tables.Count);
        return new HandlerShape(input, inputTopic, handlesBatches, returned.Output?.ToDisplayString(CodecResolver.TypeFormat) ?? NoOutput, returned.Output, returned.OutputTopic, call, state, tables);
    }

    /// <summary>How a handler returns: nothing (a sink), or one or many of a [Topic] contract, directly or awaited.</summary>
    internal static (HandlerReturn Returns, bool ReturnsMany, INamedTypeSymbol? Output, string? OutputTopic)? ReadReturn(IMethodSymbol handler, KnownTypes known, out string? problem)
    {
        problem = null;
        var sink = handler.ReturnsVoid ? HandlerReturn.Nothing
            : KnownTypes.Is(handler.ReturnType, known.ValueTask) ? HandlerReturn.NothingValueTask
            : KnownTypes.Is(handler.ReturnType, known.Task) ? HandlerReturn.NothingTask
            : (HandlerReturn?)null;
        if (sink is { } nothing)
        {
            return (nothing, false, null, null);
        }

        var returns = HandlerReturn.Value;
        var result = handler.ReturnType;
        if (result is INamedTypeSymbol { IsGenericType: true } awaited && (KnownTypes.Is(awaited, known.ValueTaskOfT) || KnownTypes.Is(awaited, known.TaskOfT)))
        {
            returns = KnownTypes.Is(awaited, known.ValueTaskOfT) ? HandlerReturn.ValueTask : HandlerReturn.Task;
            result = awaited.TypeArguments[0];
        }

        var returnsMany = false;
        if (result is not INamedTypeSymbol single || Topic(single, known) is null)
        {
            result = ElementOf(result);
            returnsMany = true;
        }

        if (result is not INamedTypeSymbol output || Topic(output, known) is not { } outputTopic)
        {
            problem = $"has a {handler.Name} returning '{handler.ReturnType.ToDisplayString()}', which is not a [Topic] contract or a collection of one; declare {Shapes}";
            return null;
        }

        return (returns, returnsMany, output, outputTopic);
    }

    /// <summary>The T of a type that is or implements <c>IEnumerable&lt;T&gt;</c> (arrays included), if there is exactly one.</summary>
    private static ITypeSymbol? ElementOf(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return array.ElementType;
        }

        var sequences = (type is INamedTypeSymbol named ? new[] { named } : []).Concat(type.AllInterfaces)
            .Where(i => i.IsGenericType && CodecResolver.MetadataName(i.OriginalDefinition) == "System.Collections.Generic.IEnumerable`1")
            .ToList();
        return sequences.Count == 1 ? sequences[0].TypeArguments[0] : null;
    }

    internal static string? Topic(INamedTypeSymbol type, KnownTypes known) =>
        KnownTypes.Find(type, known.TopicAttribute)?.ConstructorArguments.FirstOrDefault().Value as string;
}

/// <summary>
/// What a processor's row handler (or, for a processor of events alone, its attribute) says: what it reads and
/// writes, and how it is called (<see langword="null"/> without a row handler). Parsing only; never kept in the
/// generator's pipeline.
/// </summary>
internal sealed record HandlerShape(INamedTypeSymbol Input, string InputTopic, bool HandlesBatches, string Output, INamedTypeSymbol? OutputSymbol, string? OutputTopic, CallModel? Call, IParameterSymbol? StateParameter, IReadOnlyList<IParameterSymbol>? TableParameters = null);

/// <summary>The handler and contracts behind a valid processor; never kept in the generator's pipeline.</summary>
/// <param name="Handler">The row handler (the first, with several inputs), the window's Emit, or the event handler.</param>
/// <param name="Input">The one input contract, or <see langword="null"/> for none or several.</param>
/// <param name="Output">The output contract, or <see langword="null"/> for a sink.</param>
/// <param name="InputRows">With several inputs, the row parameter of each, in input order (a join's two, a merge's handlers' first); else empty.</param>
internal sealed record ProcessorSymbols(IMethodSymbol Handler, INamedTypeSymbol? Input, INamedTypeSymbol? Output, IReadOnlyList<IParameterSymbol> InputRows);
