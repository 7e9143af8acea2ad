using System.Collections.Generic;
using System.Linq;
using Pipelines.Generators.Model;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Emitting;

/// <summary>
/// Makes a processor class implement <c>IProcessor</c>: its descriptor (name, group, topics, features, settings)
/// and one member per method the runner calls, adapting the method's shape; and one <c>AddPipelines</c> per
/// assembly that registers every processor. The loop itself is the runtime's.
/// </summary>
internal static class ProcessorEmitter
{
    public const string RegistrationHintName = "Pipelines.AddPipelines.g.cs";

    /// <summary>The name of a processor's keyed state: part of its changelog topic's name, so it never changes.</summary>
    public const string StateName = "state";

    /// <summary>The name of a windowed processor's state: part of its changelog topic's name, so it never changes.</summary>
    public const string WindowsName = "windows";

    /// <summary>The name of a joining processor's state: part of its changelog topic's name, so it never changes.</summary>
    public const string JoinName = "join";
    private const string Infrastructure = KnownNames.Infrastructure;
    private const string ValueTask = "global::System.Threading.Tasks.ValueTask";
    private static readonly string GeneratedCode = $"[global::System.CodeDom.Compiler.GeneratedCode(\"Pipelines.Generators\", \"{typeof(ProcessorEmitter).Assembly.GetName().Version}\")]";

    public static string EmitDescriptor(ProcessorModel model)
    {
        var w = new SourceWriter();
        var self = $"{Infrastructure}IProcessor<{model.FullyQualifiedName}, {model.InputType}, {model.OutputType}>";
        var functions = model.Window is { } windowed ? $"{Infrastructure}IWindowFunctions<{model.InputType}, {windowed.Accumulator}, {model.OutputType}>"
            : model.Join is not null ? $"{Infrastructure}IJoinHandler<{model.Inputs[0].Type}, {model.Inputs[1].Type}, {model.OutputType}>"
            : null;
        var scopes = w.OpenPartialType(model.Namespace, model.ContainingTypes, $"{model.Declaration} : {self}{(functions is null ? "" : ", " + functions)}");
        var read = model.Inputs.Count > 0 ? string.Join(" + ", model.Inputs.Select(i => Literal(i.Topic))) : Literal(model.InputTopic);
        var route = model.OutputTopic is null ? $"reads {read} (a sink)" : $"{read} → {Literal(model.OutputTopic)}";
        w.Line($"/// <summary>How the Pipelines runtime runs this processor: {route}, group {Literal(model.GroupId)}.</summary>");
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Line(GeneratedCode);
        w.Line($"public static {Infrastructure}ProcessorDescriptor PipelinesDescriptor {{ get; }} = new(");
        var arguments = new List<string>
        {
            $"Name: {Literal(model.Name)}",
            $"GroupId: {Literal(model.GroupId)}",
            $"InputTopic: {Literal(model.InputTopic)}",
            $"OutputTopic: {(model.OutputTopic is null ? "null" : Literal(model.OutputTopic))}",
            $"Features: {Features(model)}",
        };
        if (model.Settings.Count > 0)
        {
            arguments.Add("Configure: static options => options with\n{\n" + string.Concat(model.Settings.Select(s => $"    {s.Name} = {s.Expression},\n")) + "}");
        }

        if (StateNameOf(model) is { } stateName)
        {
            arguments.Add($"StateName: {Literal(stateName)}");
        }

        if (model.Inputs.Count > 0)
        {
            arguments.Add($"InputTopics: [{string.Join(", ", model.Inputs.Select(i => Literal(i.Topic)))}]");
        }

        if (model.Tables.Count > 0)
        {
            arguments.Add($"Tables: [{string.Join(", ", model.Tables.Select(t => $"{Infrastructure}TableDefinition.{(t.Partitioned ? "Partitioned" : "Global")}<{t.Type}>({Literal(t.Topic)})"))}]");
        }

        foreach (var line in (string.Join(",\n", arguments) + ");").Split('\n'))
        {
            w.Line("    " + line);
        }

        // The interface's members, each adapting the processor's own method to the one shape the runner calls.
        var processor = $"{Infrastructure}IProcessor<{model.InputType}, {model.OutputType}>";
        var outputs = $"{Infrastructure}Outputs<{model.OutputType}> outputs";
        const string Context = "global::Pipelines.StreamContext context";
        const string Cancellation = "global::System.Threading.CancellationToken cancellationToken";
        var rows = $"global::System.Collections.Generic.IReadOnlyList<{model.InputType}> rows";
        if (model.StateType is { } stateType)
        {
            Member(w, $"private static readonly {Infrastructure}StateDefinition PipelinesState = {Infrastructure}StateDefinition.Of<{stateType}>({Literal(StateName)});");
            Member(w, $"{Infrastructure}StateDefinition {processor}.State => PipelinesState;");
        }

        if (model.Window is { } window)
        {
            EmitWindows(w, model, window, processor, functions!, outputs, Context, Cancellation);
        }

        if (model.Join is { } join)
        {
            EmitJoin(w, model, join, processor, outputs, Context, Cancellation);
        }
        else if (model.Inputs.Count > 0)
        {
            EmitInputs(w, model, processor, outputs, Context, Cancellation);
        }
        else if (model.Handle is { } handle)
        {
            var (parameter, argument) = model.HandlesBatches ? (rows, "rows") : ($"{model.InputType} row", "row");
            var leading = new List<string> { argument };
            if (handle.TakesState)
            {
                leading.Add($"context.State<{model.StateType}>()");
            }

            leading.AddRange(model.Tables.Select((table, index) => $"context.{(table.Partitioned ? "Table" : "GlobalTable")}<{table.Type}>({index})"));
            Method(w, $"{ValueTask} {processor}.HandleAsync({parameter}, {outputs}, {Context}, {Cancellation})", handle, leading.ToArray());
        }

        if (model.OnEvent is { } onEvent)
        {
            Method(w, $"{ValueTask} {processor}.HandleEventAsync(global::Pipelines.StreamEvent streamEvent, {outputs}, {Context}, {Cancellation})", onEvent, "streamEvent");
        }

        if (model.OnStreamOpened is { } opened)
        {
            Method(w, $"{ValueTask} {processor}.OnStreamOpenedAsync(global::Pipelines.StreamInfo stream, {outputs}, {Cancellation})", opened, "stream");
        }

        if (model.OnStreamClosed is { } closed)
        {
            Method(w, $"{ValueTask} {processor}.OnStreamClosedAsync(global::Pipelines.StreamInfo stream, global::Pipelines.StreamEnd end, {outputs}, {Cancellation})", closed, "stream", "end");
        }

        if (model.Filter is { } filter)
        {
            Member(w, $"bool {processor}.Admit({model.InputType} row) => {filter}(row);");
        }

        if (model.FlushWhen is { } flushWhen)
        {
            Member(w, $"bool {processor}.ShouldFlush({rows}) => {flushWhen}(rows);");
        }

        w.CloseScopes(scopes);
        return w.ToString();
    }

    /// <summary>A windowed processor's state, its row handler (the runtime's windows), and the functions the windows call.</summary>
    private static void EmitWindows(SourceWriter w, ProcessorModel model, WindowModel window, string processor, string functions, string outputs, string context, string cancellation)
    {
        var definition = $"new {Infrastructure}WindowDefinition {{ Kind = {Infrastructure}WindowKind.{window.Kind}, Size = {Ticks(window.SizeTicks)}, Hop = {Ticks(window.HopTicks)}, Grace = {Ticks(window.GraceTicks)}, Emit = {window.Emit}{(window.IdleTicks is { } idle ? $", CloseAfterIdle = {Ticks(idle)}" : "")} }}";
        var state = window.Collects ? $"{Infrastructure}StateDefinition.WindowRows<{model.InputType}, {model.OutputType}>({Literal(WindowsName)}, {definition})"
            : window.StatsOf is null ? $"{Infrastructure}StateDefinition.Windows<{model.InputType}, {window.Accumulator}, {model.OutputType}>({Literal(WindowsName)}, {definition})"
            : $"{Infrastructure}StateDefinition.WindowStats<{model.InputType}, {model.OutputType}>({Literal(WindowsName)}, {definition})";
        var accumulator = window.Accumulator;
        Member(w, $"private static readonly {Infrastructure}StateDefinition PipelinesState = {state};");
        Member(w, $"{Infrastructure}StateDefinition {processor}.State => PipelinesState;");
        Member(w, $"{ValueTask} {processor}.HandleAsync({model.InputType} row, {outputs}, {context}, {cancellation}) => {Infrastructure}WindowCalls.AddAsync(context, row, outputs);");
        Member(w, $"{accumulator} {functions}.Empty() => {window.Empty};");
        var aggregate = window.Collects ? $"{Infrastructure}WindowCalls.Add(accumulator, row)"
            : window.StatsOf is { } of ? $"{Infrastructure}WindowCalls.Add(accumulator, (double){of}(row), row)"
            : "Aggregate(accumulator, row)";
        Member(w, $"{accumulator} {functions}.Aggregate({accumulator} accumulator, {model.InputType} row) => {aggregate};");

        // Without a Merge of its own, the interface's refuses: only session and sliding windows merge, and PIPE022 makes them declare one.
        var merge = window.Collects ? $"{Infrastructure}WindowCalls.Merge(left, right)" : window.StatsOf is not null ? "left.Merge(right)" : window.HasMerge ? "Merge(left, right)" : null;
        if (merge is not null)
        {
            Member(w, $"{accumulator} {functions}.Merge({accumulator} left, {accumulator} right) => {merge};");
        }

        Member(w, $"{model.OutputType} {functions}.Emit(global::Pipelines.WindowInfo window, {accumulator} accumulator) => Emit(window, accumulator);");
    }

    /// <summary>A processor with several inputs: its row handler hands each row to the processor's Handle of the row's input.</summary>
    private static void EmitInputs(SourceWriter w, ProcessorModel model, string processor, string outputs, string context, string cancellation)
    {
        string[] members = ["First", "Second", "Third"];
        w.Line();
        w.Line(GeneratedCode);
        w.Open($"{ValueTask} {processor}.HandleAsync({model.InputType} row, {outputs}, {context}, {cancellation})");
        w.Open("switch (row.Input)");
        for (var i = 0; i < model.Inputs.Count; i++)
        {
            var input = model.Inputs[i];
            w.Line(i < model.Inputs.Count - 1 ? $"case {i}:" : "default:");
            var leading = new List<string> { $"row.{members[i]}!" };
            if (input.Handle.TakesState)
            {
                leading.Add($"context.State<{model.StateType}>()");
            }

            foreach (var statement in Statements(input.Handle, leading.ToArray()))
            {
                w.Line("    " + statement);
            }
        }

        w.Close();
        w.Close();
    }

    /// <summary>The name of the processor's keyed state, which names its changelog, or null without state.</summary>
    private static string? StateNameOf(ProcessorModel model) =>
        model.StateType is not null ? StateName : model.Window is not null ? WindowsName : model.Join is not null ? JoinName : null;

    /// <summary>A joining processor: its state (the rows waiting per key), its join, and its row handler (the runtime's join), which calls Handle for each match.</summary>
    private static void EmitJoin(SourceWriter w, ProcessorModel model, JoinModel join, string processor, string outputs, string context, string cancellation)
    {
        var (left, right) = (model.Inputs[0].Type, model.Inputs[1].Type);
        var rows = $"{Infrastructure}JoinRows<{left}, {right}>";
        Member(w, $"private static readonly {Infrastructure}StateDefinition PipelinesState = {Infrastructure}StateDefinition.Of<{rows}>({Literal(JoinName)});");
        Member(w, $"{Infrastructure}StateDefinition {processor}.State => PipelinesState;");
        Member(w, $"private static readonly {Infrastructure}JoinDefinition PipelinesJoin = new() {{ Kind = {Infrastructure}JoinKind.{join.Kind}, Within = {Ticks(join.WithinTicks)}, Grace = {Ticks(join.GraceTicks)}, KeepsUnmatched = {(join.KeepsUnmatched ? "true" : "false")} }};");
        Member(w, $"{ValueTask} {processor}.HandleAsync({model.InputType} row, {outputs}, {context}, {cancellation}) => {Infrastructure}JoinCalls.HandleAsync(row, context.State<{rows}>(), PipelinesJoin, this, outputs);");
        Member(w, $"{model.OutputType} {Infrastructure}IJoinHandler<{left}, {right}, {model.OutputType}>.Join({left} left, {right} right) => {model.Handle!.Method}(left, right);");
    }

    /// <summary>One generated member, on a line of its own after a blank line.</summary>
    private static void Member(SourceWriter w, string member)
    {
        w.Line();
        w.Line(GeneratedCode);
        w.Line(member);
    }

    private static string Ticks(long ticks) => $"global::System.TimeSpan.FromTicks({ticks.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    public static string EmitRegistration(IEnumerable<ProcessorModel> processors, IEnumerable<SinkModel> sinks)
    {
        var w = new SourceWriter();
        w.Line("// <auto-generated/>");
        w.Line("#nullable disable");
        w.Line();
        w.Open("namespace Microsoft.Extensions.DependencyInjection");
        w.Line("/// <summary>Registers this assembly's Pipelines processors and sinks.</summary>");
        w.Line(GeneratedCode);
        w.Open("internal static class PipelinesServiceCollectionExtensions");
        w.Line("/// <summary>");
        w.Line("/// Runs every <c>[Processor]</c> and <c>[Sink]</c> of this assembly as a hosted service, configured from the <c>Pipelines</c> section");
        w.Line("/// of <paramref name=\"configuration\"/>; with no <c>Pipelines:BootstrapServers</c> they run on an embedded broker.");
        w.Line("/// </summary>");
        w.Open("public static global::Microsoft.Extensions.DependencyInjection.IServiceCollection AddPipelines(this global::Microsoft.Extensions.DependencyInjection.IServiceCollection services, global::Microsoft.Extensions.Configuration.IConfiguration configuration)");
        foreach (var processor in processors.OrderBy(p => p.FullyQualifiedName, System.StringComparer.Ordinal))
        {
            w.Line($"global::Microsoft.Extensions.DependencyInjection.ProcessorServiceCollectionExtensions.AddProcessor<{processor.FullyQualifiedName}>(services, configuration);");
        }

        foreach (var sink in sinks.OrderBy(s => s.FullyQualifiedName, System.StringComparer.Ordinal))
        {
            w.Line(SinkEmitter.Registration(sink));
        }

        w.Line("return services;");
        w.Close();
        w.Close();
        w.Close();
        w.Line();
        EmitTopology(w, processors, sinks);
        return w.ToString();
    }

    /// <summary>The assembly's processors and topics as a Mermaid flowchart constant, from the attributes alone.</summary>
    private static void EmitTopology(SourceWriter w, IEnumerable<ProcessorModel> processors, IEnumerable<SinkModel> sinks)
    {
        var drawn = processors.OrderBy(p => p.FullyQualifiedName, System.StringComparer.Ordinal).Select(p => new Pipelines.Hosting.TopologyDiagram.Processor(
            p.Name,
            p.InputTopic,
            p.OutputTopic,
            DeadLetters(p) ? p.InputTopic + ".dlq" : null,
            StateNameOf(p) is { } state ? $"{p.GroupId}.{state}.changelog" : null,
            p.Tables.Select(t => t.Topic),
            p.Inputs.Count > 0 ? p.Inputs.Select(i => i.Topic) : null)).Concat(sinks.OrderBy(s => s.FullyQualifiedName, System.StringComparer.Ordinal).Select(s =>
            new Pipelines.Hosting.TopologyDiagram.Processor(s.Name, s.Topic, null, s.Topic + ".dlq", null, [], null)));
        var mermaid = Pipelines.Hosting.TopologyDiagram.Mermaid(drawn);
        w.Open("namespace Pipelines.Generated");
        w.Line("/// <summary>This assembly's processors and the topics between them, as its attributes declare them.</summary>");
        w.Line(GeneratedCode);
        w.Open("internal static class AssemblyTopology");
        w.Line("/// <summary>");
        w.Line("/// A Mermaid flowchart to paste into a <c>```mermaid</c> block: topics as cylinders, processors as boxes, dead letters");
        w.Line("/// and state dotted. Configuration can rename groups and dead-letter topics; a running host's");
        w.Line("/// <c>Pipelines.Hosting.PipelinesTopology</c> service draws what it runs.");
        w.Line("/// </summary>");
        w.Line("/// <remarks><code>");
        foreach (var line in mermaid.TrimEnd('\n').Split('\n'))
        {
            w.Line("/// " + line.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;"));
        }

        w.Line("/// </code></remarks>");
        w.Line($"public const string Mermaid = {Literal(mermaid)};");
        w.Close();
        w.Close();
    }

    /// <summary>Whether the processor's attribute leaves its failure policy at DeadLetter, the default (configuration may still change it).</summary>
    private static bool DeadLetters(ProcessorModel model)
    {
        foreach (var setting in model.Settings)
        {
            if (setting.Name == "OnFailure")
            {
                return setting.Expression.EndsWith(".DeadLetter", System.StringComparison.Ordinal);
            }
        }

        return true;
    }

    /// <summary>The members the runner may call, as the <c>ProcessorFeatures</c> flags expression.</summary>
    private static string Features(ProcessorModel model)
    {
        var features = new List<string>();
        if (model.Handle is not null || model.Window is not null)
        {
            features.Add(model.HandlesBatches ? "Batches" : "Rows");
        }

        features.AddRange(new[] { (model.OnEvent, "Events"), (model.OnStreamOpened, "StreamOpened"), (model.OnStreamClosed, "StreamClosed") }.Where(f => f.Item1 is not null).Select(f => f.Item2));
        features.AddRange(new[] { (model.Filter, "Filter"), (model.FlushWhen, "FlushWhen") }.Where(f => f.Item1 is not null).Select(f => f.Item2));
        return features.Count == 0 ? Infrastructure + "ProcessorFeatures.None" : string.Join(" | ", features.Select(f => Infrastructure + "ProcessorFeatures." + f));
    }

    /// <summary>An interface member that calls a processor method and hands its result, whatever its shape, to <c>outputs</c>.</summary>
    private static void Method(SourceWriter w, string signature, CallModel method, params string[] leading)
    {
        w.Line();
        w.Line(GeneratedCode);
        if (method.Returns == HandlerReturn.Nothing)
        {
            w.Open(signature);
            foreach (var statement in Statements(method, leading))
            {
                w.Line(statement);
            }

            w.Close();
            return;
        }

        w.Line($"{signature} => {Result(method, leading)};");
    }

    /// <summary>The statements that call a processor method and return the <c>ValueTask</c> the runner awaits.</summary>
    private static string[] Statements(CallModel method, string[] leading) =>
        method.Returns == HandlerReturn.Nothing ? [Call(method, leading) + ";", "return default;"] : [$"return {Result(method, leading)};"];

    /// <summary>The call, as the <c>ValueTask</c> the runner awaits: awaited as returned, or its outputs added.</summary>
    private static string Result(CallModel method, string[] leading) => method.Returns switch
    {
        HandlerReturn.NothingValueTask => Call(method, leading),
        HandlerReturn.NothingTask => $"new {ValueTask}({Call(method, leading)})",
        _ => $"outputs.{(method.ReturnsMany ? "AddRange" : "Add")}({Call(method, leading)})",
    };

    private static string Call(CallModel method, string[] leading)
    {
        var arguments = new List<string>(leading);
        if (method.TakesContext)
        {
            arguments.Add("context");
        }

        if (method.TakesCancellation)
        {
            arguments.Add("cancellationToken");
        }

        return $"{method.Method}({string.Join(", ", arguments)})";
    }

    private static string Literal(string text) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);
}
