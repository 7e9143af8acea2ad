using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Derives a contract's Avro schema (docs/wire-format.md, "Avro schema"): a record named as the type, in its namespace,
/// with a field per member under its wire name. A reference type that may be null and a <c>Nullable&lt;T&gt;</c> are unions
/// with <c>null</c> first (default <c>null</c>); timestamps are <c>timestamp-nanos</c> or <c>timestamp-micros</c> longs;
/// enums and nested contracts are named types, defined where first used and named after. Runs on a contract the parser
/// has accepted; a name Avro does not allow (its names are <c>[A-Za-z_][A-Za-z0-9_]*</c>) leaves the contract without one.
/// </summary>
internal sealed class AvroSchemaBuilder
{
    private readonly KnownTypes known;
    private readonly HashSet<string> defined = new();
    private readonly StringBuilder json = new();
    private string? problem;

    private AvroSchemaBuilder(KnownTypes known) => this.known = known;

    /// <summary>
    /// The schema of <paramref name="contract"/> as compact JSON, or <see langword="null"/> if a name in it is not an Avro
    /// name; <paramref name="problem"/> then says which (PIPE028 shows it on a contract of an Avro topic).
    /// </summary>
    public static string? Build(INamedTypeSymbol contract, KnownTypes known, out string? problem)
    {
        var builder = new AvroSchemaBuilder(known);
        var built = builder.Record(contract);
        problem = built ? null : builder.problem ?? $"a member type of '{contract.Name}' has no Avro form";
        return built ? builder.json.ToString() : null;
    }

    /// <summary>Whether <paramref name="name"/> is an Avro name: a letter or underscore, then letters, digits or underscores (ASCII).</summary>
    public static bool IsName(string name) =>
        name.Length > 0 && (IsLetter(name[0]) || name[0] == '_') && name.All(c => IsLetter(c) || c == '_' || (c >= '0' && c <= '9'));

    private static bool IsLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

    private bool Record(INamedTypeSymbol type)
    {
        if (!Named(type, out var name, out var space))
        {
            return Refuse($"the name of type '{Full(name, space)}'");
        }

        if (!defined.Add(Full(name, space)))
        {
            json.Append(Quote(Full(name, space)));
            return true;
        }

        json.Append("{\"type\":\"record\",\"name\":").Append(Quote(name));
        if (space.Length > 0)
        {
            json.Append(",\"namespace\":").Append(Quote(space));
        }

        json.Append(",\"fields\":[");
        var first = true;
        foreach (var (wireName, memberType, timestamp) in ContractMembers.Of(type, known))
        {
            if (!IsName(wireName))
            {
                return Refuse($"the wire name '{wireName}' in '{type.Name}'");
            }

            json.Append(first ? "" : ",").Append("{\"name\":").Append(Quote(wireName)).Append(",\"type\":");
            first = false;
            if (!Field(memberType, timestamp, out var nullable))
            {
                return false;
            }

            json.Append(nullable ? ",\"default\":null}" : "}");
        }

        json.Append("]}");
        return true;
    }

    /// <summary>Writes a member's type; <paramref name="nullable"/> when it is a union with <c>null</c> first.</summary>
    private bool Field(ITypeSymbol type, bool timestamp, out bool nullable)
    {
        nullable = false;
        if (timestamp)
        {
            json.Append(type.SpecialType == SpecialType.System_Int64 ? "{\"type\":\"long\",\"logicalType\":\"timestamp-nanos\"}" : "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}");
            return true;
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } wrapper)
        {
            nullable = true;
            json.Append("[\"null\",");
            var written = Type(wrapper.TypeArguments[0]);
            json.Append(']');
            return written;
        }

        if (CodecResolver.MayBeNull(type))
        {
            nullable = true;
            json.Append("[\"null\",");
            var written = Type(type);
            json.Append(']');
            return written;
        }

        return Type(type);
    }

    /// <summary>Writes a type that is not itself a union with null.</summary>
    private bool Type(ITypeSymbol type)
    {
        var primitive = type.SpecialType switch
        {
            SpecialType.System_Boolean => "\"boolean\"",
            SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 => "\"int\"",
            SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 => "\"long\"",
            SpecialType.System_Single => "\"float\"",
            SpecialType.System_Double => "\"double\"",
            SpecialType.System_String or SpecialType.System_Decimal => "\"string\"",
            SpecialType.System_DateTime => "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}",
            _ => null,
        };
        if (primitive is not null)
        {
            json.Append(primitive);
            return true;
        }

        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return array.ElementType.SpecialType == SpecialType.System_Byte ? Append("\"bytes\"") : Array(array.ElementType);
        }

        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            return Enum(named);
        }

        switch (CodecResolver.MetadataName(named.OriginalDefinition))
        {
            case "System.DateTimeOffset":
                return Append("{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}");
            case "System.TimeSpan":
                return Append("\"long\"");
            case "System.Guid":
                return Append("{\"type\":\"string\",\"logicalType\":\"uuid\"}");
            case "System.ReadOnlyMemory`1":
                return Append("\"bytes\"");
            case "System.Collections.Generic.List`1" or "System.Collections.Generic.IReadOnlyList`1":
                return Array(named.TypeArguments[0]);
        }

        return Record(named);
    }

    private bool Array(ITypeSymbol element)
    {
        json.Append("{\"type\":\"array\",\"items\":");
        var written = Field(element, timestamp: false, out _);
        json.Append('}');
        return written;
    }

    private bool Enum(INamedTypeSymbol type)
    {
        if (!Named(type, out var name, out var space))
        {
            return Refuse($"the name of enum '{Full(name, space)}'");
        }

        if (!defined.Add(Full(name, space)))
        {
            return Append(Quote(Full(name, space)));
        }

        // Each distinct value once, by its first name, in declaration order: a symbol is written as its index.
        var symbols = type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue)
            .GroupBy(f => f.ConstantValue).Select(g => g.First().Name).ToList();
        if (symbols.Count == 0)
        {
            return Refuse($"enum '{name}', which has no members (an Avro enum needs a symbol)");
        }

        if (symbols.FirstOrDefault(symbol => !IsName(symbol)) is { } bad)
        {
            return Refuse($"the member '{bad}' of enum '{name}'");
        }

        json.Append("{\"type\":\"enum\",\"name\":").Append(Quote(name));
        if (space.Length > 0)
        {
            json.Append(",\"namespace\":").Append(Quote(space));
        }

        json.Append(",\"symbols\":[").Append(string.Join(",", symbols.Select(Quote))).Append("]}");
        return true;
    }

    /// <summary>A named type's Avro name and namespace: its C# namespace, and any types it is nested in.</summary>
    private static bool Named(INamedTypeSymbol type, out string name, out string space)
    {
        name = type.Name;
        var parts = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            parts.Insert(0, outer.Name);
        }

        if (type.ContainingNamespace is { IsGlobalNamespace: false } ns)
        {
            parts.InsertRange(0, ns.ToDisplayString().Split('.'));
        }

        space = string.Join(".", parts);
        return IsName(name) && parts.All(IsName);
    }

    private bool Refuse(string what)
    {
        problem ??= what;
        return false;
    }

    private static string Full(string name, string space) => space.Length == 0 ? name : space + "." + name;

    private bool Append(string text)
    {
        json.Append(text);
        return true;
    }

    private static string Quote(string text) => "\"" + text + "\"";
}
