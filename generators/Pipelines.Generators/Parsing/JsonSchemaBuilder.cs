using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Derives the JSON Schema (draft-07) of what a contract's JSON form holds (docs/wire-format.md, "JSON Schema"): an
/// object with a property per member under its wire name, typed as the JSON codecs write it; members that may be null
/// also allow <c>null</c>; nested contracts are definitions referred to by <c>$ref</c>. No property is required and
/// others are allowed, as a reader skips what it does not know and leaves what is missing at its default.
/// </summary>
internal sealed class JsonSchemaBuilder
{
    private readonly KnownTypes known;
    private readonly Dictionary<string, string> definitions = new();
    private readonly HashSet<string> building = new();

    // How the contract being described writes times: each contract, nested ones too, by its own attribute.
    private bool unixMilliseconds;

    private JsonSchemaBuilder(KnownTypes known) => this.known = known;

    /// <summary>The schema of <paramref name="contract"/> as compact JSON.</summary>
    public static string Build(INamedTypeSymbol contract, KnownTypes known)
    {
        var builder = new JsonSchemaBuilder(known);
        var root = builder.Properties(contract);
        var json = new StringBuilder("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"title\":")
            .Append(Quote(Name(contract))).Append(',').Append(root.Substring(1, root.Length - 2));
        if (builder.definitions.Count > 0)
        {
            json.Append(",\"definitions\":{").Append(string.Join(",", builder.definitions.OrderBy(d => d.Key, System.StringComparer.Ordinal).Select(d => Quote(d.Key) + ":" + d.Value))).Append('}');
        }

        return json.Append('}').ToString();
    }

    /// <summary>An object schema: <c>{"type":"object","properties":{…}}</c>.</summary>
    private string Properties(INamedTypeSymbol type)
    {
        var outer = unixMilliseconds;
        unixMilliseconds = known.WritesUnixMilliseconds(type);
        var properties = ContractMembers.Of(type, known).Select(m => Quote(m.WireName) + ":" + Field(m.Type, m.Timestamp)).ToList();
        unixMilliseconds = outer;
        return "{\"type\":\"object\",\"properties\":{" + string.Join(",", properties) + "}}";
    }

    private string Time => unixMilliseconds ? "{\"type\":\"integer\"}" : "{\"type\":\"string\",\"format\":\"date-time\"}";

    private string Field(ITypeSymbol type, bool timestamp)
    {
        if (timestamp)
        {
            return type.SpecialType == SpecialType.System_Int64 ? "{\"type\":\"integer\"}" : Time;
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } wrapper)
        {
            return OrNull(Type(wrapper.TypeArguments[0]));
        }

        return CodecResolver.MayBeNull(type) ? OrNull(Type(type)) : Type(type);
    }

    private static string OrNull(string schema) => "{\"anyOf\":[" + schema + ",{\"type\":\"null\"}]}";

    private string Type(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
                return "{\"type\":\"boolean\"}";
            case SpecialType.System_SByte:
                return Integer(sbyte.MinValue, sbyte.MaxValue);
            case SpecialType.System_Byte:
                return Integer(byte.MinValue, byte.MaxValue);
            case SpecialType.System_Int16:
                return Integer(short.MinValue, short.MaxValue);
            case SpecialType.System_UInt16:
                return Integer(ushort.MinValue, ushort.MaxValue);
            case SpecialType.System_Int32:
                return Integer(int.MinValue, int.MaxValue);
            case SpecialType.System_UInt32:
                return Integer(uint.MinValue, uint.MaxValue);
            case SpecialType.System_Int64:
                return "{\"type\":\"integer\"}";
            case SpecialType.System_UInt64:
                return "{\"type\":\"integer\",\"minimum\":0}";
            case SpecialType.System_Single or SpecialType.System_Double:
                return "{\"anyOf\":[{\"type\":\"number\"},{\"enum\":[\"NaN\",\"Infinity\",\"-Infinity\"]}]}";
            case SpecialType.System_Decimal:
                return "{\"type\":\"number\"}";
            case SpecialType.System_String:
                return "{\"type\":\"string\"}";
            case SpecialType.System_DateTime:
                return Time;
        }

        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return array.ElementType.SpecialType == SpecialType.System_Byte ? Base64 : Array(array.ElementType);
        }

        if (type is not INamedTypeSymbol named)
        {
            return "{}";
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            var names = named.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).GroupBy(f => f.ConstantValue).Select(g => Quote(g.First().Name));
            return "{\"anyOf\":[{\"type\":\"string\",\"enum\":[" + string.Join(",", names) + "]},{\"type\":\"integer\"}]}";
        }

        switch (CodecResolver.MetadataName(named.OriginalDefinition))
        {
            case "System.DateTimeOffset":
                return Time;
            case "System.TimeSpan":
                return "{\"type\":\"string\"}";
            case "System.Guid":
                return "{\"type\":\"string\",\"format\":\"uuid\"}";
            case "System.ReadOnlyMemory`1":
                return Base64;
            case "System.Collections.Generic.List`1" or "System.Collections.Generic.IReadOnlyList`1":
                return Array(named.TypeArguments[0]);
        }

        // A nested contract: defined once, whatever refers to it.
        var name = Name(named);
        if (!definitions.ContainsKey(name) && building.Add(name))
        {
            definitions[name] = Properties(named);
        }

        return "{\"$ref\":\"#/definitions/" + Escape(name) + "\"}";
    }

    private const string Base64 = "{\"type\":\"string\",\"contentEncoding\":\"base64\"}";

    private string Array(ITypeSymbol element) => "{\"type\":\"array\",\"items\":" + Field(element, timestamp: false) + "}";

    private static string Integer(long minimum, long maximum) =>
        "{\"type\":\"integer\",\"minimum\":" + minimum.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"maximum\":" + maximum.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}";

    private static string Name(INamedTypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted));

    private static string Quote(string text) => "\"" + Escape(text) + "\"";

    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => escaped.Append("\\\""),
                '\\' => escaped.Append("\\\\"),
                < ' ' => escaped.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
