using System.Collections.Generic;
using Pipelines.Generators.Model;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Emitting;

/// <summary>Makes a <c>[Sink]</c> class declare itself to the runtime (<c>IDeclaredSink&lt;T&gt;</c>); the runtime does the writing.</summary>
internal static class SinkEmitter
{
    private const string Infrastructure = KnownNames.Infrastructure;
    private static readonly string GeneratedCode = $"[global::System.CodeDom.Compiler.GeneratedCode(\"Pipelines.Generators\", \"{typeof(SinkEmitter).Assembly.GetName().Version}\")]";

    public static string EmitDeclaration(SinkModel model)
    {
        var w = new SourceWriter();
        var scopes = w.OpenPartialType(model.Namespace, model.ContainingTypes, $"{model.Declaration} : {Infrastructure}IDeclaredSink<{model.ContractType}>");
        var where = model.Target is null ? "itself" : model.Table is { } table ? $"the {Short(model.Target)} table {Literal(table)}" : $"Parquet files in {Literal(model.Directory!)}";
        w.Line($"/// <summary>How the Pipelines runtime runs this sink: {Literal(model.Topic)} into {where}, group {Literal(model.GroupId)}.</summary>");
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Line(GeneratedCode);
        w.Line($"public static {Infrastructure}SinkDescriptor PipelinesSink {{ get; }} = new(");
        var arguments = new List<string>
        {
            $"Name: {Literal(model.Name)}",
            $"GroupId: {Literal(model.GroupId)}",
            $"Target: {model.Target ?? "null"}",
        };
        Add(arguments, "Table", model.Table);
        Add(arguments, "ConnectionString", model.ConnectionString);
        Add(arguments, "Directory", model.Directory);
        if (model.Write is not null)
        {
            arguments.Add($"Write: {model.Write}");
        }

        if (!model.CreateTable)
        {
            arguments.Add("CreateTable: false");
        }

        for (var i = 0; i < arguments.Count; i++)
        {
            w.Line("    " + arguments[i] + (i < arguments.Count - 1 ? "," : ");"));
        }

        w.CloseScopes(scopes);
        return w.ToString();
    }

    /// <summary>The registration line the generated <c>AddPipelines</c> holds for <paramref name="model"/>.</summary>
    public static string Registration(SinkModel model) =>
        $"global::Pipelines.Hosting.SinkServiceCollectionExtensions.AddSink<{model.FullyQualifiedName}, {model.ContractType}>(services, configuration);";

    private static void Add(List<string> arguments, string name, string? value)
    {
        if (value is not null)
        {
            arguments.Add($"{name}: {Literal(value)}");
        }
    }

    private static string Short(string member) => member.Substring(member.LastIndexOf('.') + 1);

    private static string Literal(string text) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);
}
