using Microsoft.CodeAnalysis;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>What a member's type resolved to.</summary>
internal enum CodecStatus
{
    Supported,
    Unsupported,
    ContractHasErrors,
    Recursive,
}

/// <summary>Maps a member's type to the runtime codec that writes and reads it.</summary>
internal static class CodecResolver
{
    public static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>
    /// Resolves a parameter's codec; composites (nullable, arrays, lists) resolve their elements recursively. A reference
    /// type that may be null is wrapped in <c>MaybeNullCodec</c>, which makes it a union with null in Avro.
    /// </summary>
    public static CodecStatus ResolveParameter(ITypeSymbol type, ContractValidator validator, out string codec, out ITypeSymbol? culprit)
    {
        var status = ResolveValue(type, validator, out codec, out culprit);
        if (status == CodecStatus.Supported && MayBeNull(type))
        {
            codec = MaybeNull(type, codec);
        }

        return status;
    }

    /// <summary>
    /// Whether a member of <paramref name="type"/> may hold null: a reference type annotated <c>?</c>, or declared where
    /// nullable annotations are off. Its Avro type is then a union with null (<see cref="AvroSchemaBuilder"/>).
    /// </summary>
    public static bool MayBeNull(ITypeSymbol type) => type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.NotAnnotated;

    private static string MaybeNull(ITypeSymbol type, string codec) =>
        Codec($"MaybeNullCodec<{type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat)}, {codec}>");

    private static CodecStatus ResolveValue(ITypeSymbol type, ContractValidator validator, out string codec, out ITypeSymbol? culprit)
    {
        culprit = null;
        codec = string.Empty;
        var scalar = ResolveScalar(type, isTag: false);
        if (scalar is not null)
        {
            codec = validator.UnixMillisecondTimes ? InUnixMilliseconds(type, scalar) : scalar;
            return CodecStatus.Supported;
        }

        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            if (array.ElementType.SpecialType == SpecialType.System_Byte)
            {
                codec = Codec("ByteArrayCodec");
                return CodecStatus.Supported;
            }

            return Composite("ArrayCodec", array.ElementType, validator, out codec, out culprit);
        }

        if (type is not INamedTypeSymbol named)
        {
            return CodecStatus.Unsupported;
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            return Composite("NullableCodec", named.TypeArguments[0], validator, out codec, out culprit);
        }

        switch (MetadataName(named.OriginalDefinition))
        {
            case "System.ReadOnlyMemory`1" when named.TypeArguments[0].SpecialType == SpecialType.System_Byte:
                codec = Codec("ReadOnlyMemoryCodec");
                return CodecStatus.Supported;
            case "System.Collections.Generic.List`1":
                return Composite("ListCodec", named.TypeArguments[0], validator, out codec, out culprit);
            case "System.Collections.Generic.IReadOnlyList`1":
                return Composite("ReadOnlyListCodec", named.TypeArguments[0], validator, out codec, out culprit);
        }

        var contract = validator.Classify(named);
        if (contract != CodecStatus.Unsupported)
        {
            culprit = named;
            codec = Codec($"ContractCodec<{named.ToDisplayString(TypeFormat)}>");
        }

        return contract;
    }

    /// <summary>Tags identify a stream, so only single values qualify; strings use the pooling tag codec.</summary>
    public static string? ResolveTag(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol named && named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            var inner = ResolveScalar(named.TypeArguments[0], isTag: true);
            return inner is null ? null : Codec($"NullableCodec<{named.TypeArguments[0].ToDisplayString(TypeFormat)}, {inner}>");
        }

        var scalar = ResolveScalar(type, isTag: true);
        return scalar is not null && MayBeNull(type) ? MaybeNull(type, scalar) : scalar;
    }

    /// <summary>Timestamps are always int64 nanoseconds on the wire, whatever the member's type.</summary>
    public static string? ResolveTimestamp(ITypeSymbol type, bool unixMilliseconds)
    {
        var codec = Clock(type) switch
        {
            TimestampClock.UnixNanoseconds => Codec("TimestampCodec"),
            TimestampClock.DateTime => Codec("TimestampDateTimeCodec"),
            TimestampClock.DateTimeOffset => Codec("TimestampDateTimeOffsetCodec"),
            _ => null,
        };
        return codec is not null && unixMilliseconds ? InUnixMilliseconds(type, codec) : codec;
    }

    /// <summary>A time member's codec in a contract whose JSON times are Unix milliseconds; any other member's as it is.</summary>
    private static string InUnixMilliseconds(ITypeSymbol type, string codec) =>
        Clock(type) is TimestampClock.DateTime or TimestampClock.DateTimeOffset
            ? Codec($"UnixMillisecondsCodec<{type.ToDisplayString(TypeFormat)}, {codec}>")
            : codec;

    /// <summary>The type a timestamp of <paramref name="type"/> is held in; <see cref="TimestampClock.None"/> if it cannot be one.</summary>
    public static TimestampClock Clock(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Int64 => TimestampClock.UnixNanoseconds,
        SpecialType.System_DateTime => TimestampClock.DateTime,
        _ when type is INamedTypeSymbol named && MetadataName(named) == "System.DateTimeOffset" => TimestampClock.DateTimeOffset,
        _ => TimestampClock.None,
    };

    private static string? ResolveScalar(ITypeSymbol type, bool isTag)
    {
        var name = type.SpecialType switch
        {
            SpecialType.System_Boolean => "BooleanCodec",
            SpecialType.System_SByte => "SByteCodec",
            SpecialType.System_Byte => "ByteCodec",
            SpecialType.System_Int16 => "Int16Codec",
            SpecialType.System_UInt16 => "UInt16Codec",
            SpecialType.System_Int32 => "Int32Codec",
            SpecialType.System_UInt32 => "UInt32Codec",
            SpecialType.System_Int64 => "Int64Codec",
            SpecialType.System_UInt64 => "UInt64Codec",
            SpecialType.System_Single => "SingleCodec",
            SpecialType.System_Double => "DoubleCodec",
            SpecialType.System_Decimal => "DecimalCodec",
            SpecialType.System_String => isTag ? "TagCodec" : "StringCodec",
            SpecialType.System_DateTime => "DateTimeCodec",
            _ => null,
        };
        if (name is not null)
        {
            return Codec(name);
        }

        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            return Codec($"EnumCodec<{named.ToDisplayString(TypeFormat)}>");
        }

        return MetadataName(named) switch
        {
            "System.DateTimeOffset" => Codec("DateTimeOffsetCodec"),
            "System.TimeSpan" => Codec("TimeSpanCodec"),
            "System.Guid" => Codec("GuidCodec"),
            _ => null,
        };
    }

    private static CodecStatus Composite(string composite, ITypeSymbol element, ContractValidator validator, out string codec, out ITypeSymbol? culprit)
    {
        var status = ResolveParameter(element, validator, out var elementCodec, out culprit);
        codec = status == CodecStatus.Supported
            ? Codec($"{composite}<{element.ToDisplayString(TypeFormat)}, {elementCodec}>")
            : string.Empty;
        if (status == CodecStatus.Unsupported)
        {
            culprit ??= element;
        }

        return status;
    }

    private static string Codec(string name) => KnownNames.Infrastructure + name;

    public static string MetadataName(INamedTypeSymbol type) =>
        type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;
}
