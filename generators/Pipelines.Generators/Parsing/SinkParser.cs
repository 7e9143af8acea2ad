using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Analyzers;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>Turns a <c>[Sink&lt;T&gt;]</c> class into a <see cref="SinkModel"/>, or into the diagnostics that explain why it cannot be one.</summary>
internal static class SinkParser
{
    private const int Sqlite = 1;
    private const int Postgres = 2;
    private const int Parquet = 3;
    private static readonly string[] TableSettings = ["Table", "ConnectionString", "Write", "CreateTable"];
    private static readonly string[] TargetSettings = ["Table", "ConnectionString", "Directory", "Write", "CreateTable"];

    /// <summary>The sink's model, or <see langword="null"/> when <paramref name="diagnostics"/> received an error (or the contract has errors of its own).</summary>
    public static SinkModel? Parse(INamedTypeSymbol type, AttributeData attribute, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var errors = diagnostics.Count;
        var name = type.Name;
        if (TypeDeclarations.FirstNotPartial(type) is { } notPartial)
        {
            diagnostics.Report(DiagnosticDescriptors.MustBePartial, type, notPartial.ToDisplayString());
        }

        if (KnownTypes.Has(type, known.ProcessorAttribute))
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidSink, type, name, "is also a [Processor]; a class either handles rows (a processor) or writes them somewhere (a sink)");
        }

        if (attribute.AttributeClass?.TypeArguments.FirstOrDefault() is not INamedTypeSymbol contract)
        {
            return null; // the compiler reports a type argument that is not a type
        }

        var contractName = contract.Name;
        var topic = ProcessorParser.Topic(contract, known);
        if (topic is null)
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidSink, AttributeArguments.Location(attribute, "", type, cancellationToken), name,
                $"writes '{contractName}', which is not a [Topic] contract; a sink reads the topic of its contract: mark '{contractName}' [Topic(\"name\")], make it partial and mark its members [Tag], [Timestamp] and [Parameter]");
            return null;
        }

        var target = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0] : (TypedConstant?)null;
        var implements = type.AllInterfaces.Any(i => KnownTypes.Is(i, known.SinkInterface) && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], contract));
        var given = attribute.NamedArguments.Select(a => a.Key).ToList();
        string? targetMember = null;
        void Problem(string? setting, string problem) =>
            diagnostics.Report(DiagnosticDescriptors.InvalidSink, AttributeArguments.Location(attribute, setting, type, cancellationToken), name, problem);

        if (target is not { } named)
        {
            if (!implements)
            {
                Problem(null, $"names no target, so the class itself must be the sink: implement ISink<{contractName}>, or name where the runtime writes: [Sink<{contractName}>(SinkTarget.Sqlite, Table = \"...\")]");
            }

            foreach (var setting in given.Intersect(TargetSettings))
            {
                Problem(setting, $"sets {setting}, which only a target the runtime writes to uses; this class is the sink and decides where its rows go");
            }
        }
        else
        {
            string? problem = null;
            targetMember = AttributeArguments.EnumMember(named, ref problem);
            if (problem is not null)
            {
                Problem(null, $"target {problem}");
            }
            else if (implements)
            {
                Problem(null, $"implements ISink<{contractName}> and also names {targetMember!.Substring(targetMember.LastIndexOf('.') + 1)}; either the class is the sink (remove the target) or the runtime writes (remove ISink<{contractName}>)");
            }

            var isTable = named.Value is Sqlite or Postgres;
            if (isTable && Text(attribute, "Table") is null)
            {
                Problem(null, "writes to a table but names none: add Table = \"...\" (created from the contract unless CreateTable = false)");
            }

            if (isTable && given.Contains("Directory"))
            {
                Problem("Directory", "sets Directory, which only Parquet files use; a table sink writes to the database its connection string names");
            }

            if (named.Value is Parquet)
            {
                if (Text(attribute, "Directory") is null)
                {
                    Problem(null, "writes Parquet files but names no Directory: add Directory = \"...\" (Pipelines:Sinks:<Name>:Directory replaces it)");
                }

                foreach (var setting in given.Intersect(TableSettings))
                {
                    Problem(setting, $"sets {setting}, which only a table (SQLite or PostgreSQL) uses; Parquet files are written whole, one per batch");
                }
            }

            if (isTable && AttributeArguments.Named(attribute, "Write")?.Value is 1 && !contract.GetMembers().Any(m => KnownTypes.Has(m, known.TagAttribute)))
            {
                Problem("Write", $"upserts, which keeps the latest row of each stream key, but '{contractName}' has no [Tag] members to key its rows by: add tags, or write Insert");
            }
        }

        if (AttributeArguments.Named(attribute, "GroupId") is { } group && (group.Value is not string groupText || groupText.Trim().Length == 0))
        {
            Problem("GroupId", "sets an empty GroupId; omit it to use the class name in kebab-case, or name a consumer group");
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (diagnostics.Count > errors || !ContractValidator.IsUsable(contract, known, cancellationToken))
        {
            return null; // a contract with errors gets no serializer; its own diagnostics say why
        }

        string? write = null;
        if (AttributeArguments.Named(attribute, "Write") is { } writeValue)
        {
            string? ignored = null;
            write = AttributeArguments.EnumMember(writeValue, ref ignored);
        }

        return new SinkModel(
            TypeDeclarations.Namespace(type),
            TypeDeclarations.ContainingTypeModels(type),
            TypeDeclarations.Declaration(type),
            type.ToDisplayString(CodecResolver.TypeFormat),
            name,
            Text(attribute, "GroupId") ?? ProcessorParser.KebabCase(name),
            contract.ToDisplayString(CodecResolver.TypeFormat),
            topic,
            targetMember,
            Text(attribute, "Table"),
            Text(attribute, "ConnectionString"),
            Text(attribute, "Directory"),
            write,
            AttributeArguments.Named(attribute, "CreateTable")?.Value is not false,
            TypeDeclarations.HintName(type, ".Sink.g.cs"));
    }

    /// <summary>A string argument that is set and not blank.</summary>
    private static string? Text(AttributeData attribute, string name) =>
        AttributeArguments.Named(attribute, name)?.Value is string text && text.Trim().Length > 0 ? text : null;
}
