using System.ComponentModel;
using System.Reflection;

namespace Pipelines.Infrastructure;

/// <summary>
/// Conversions the Avro halves of codecs share (docs/wire-format.md, "Avro schema"). For use by generated code and
/// codecs; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AvroValues
{
    /// <summary>Microseconds since the Unix epoch (<c>timestamp-micros</c>) of a time taken as UTC (a local one converted, an unspecified one as it is).</summary>
    public static long Microseconds(DateTime value) =>
        ((value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).Ticks - DateTime.UnixEpoch.Ticks) / (TimeSpan.TicksPerMillisecond / 1000);

    /// <inheritdoc cref="Microseconds(DateTime)"/>
    public static long Microseconds(DateTimeOffset value) => (value.UtcTicks - DateTime.UnixEpoch.Ticks) / (TimeSpan.TicksPerMillisecond / 1000);

    /// <summary>The UTC time <paramref name="microseconds"/> after the Unix epoch.</summary>
    public static DateTime DateTimeOf(long microseconds) =>
        new(checked(DateTime.UnixEpoch.Ticks + (microseconds * (TimeSpan.TicksPerMillisecond / 1000))), DateTimeKind.Utc);

    /// <summary>A null where the schema has no union with null: the member's type says it is never null.</summary>
    public static InvalidOperationException NullInNonNullable() =>
        new("A member whose type is not nullable holds null, which its Avro schema cannot carry; declare it nullable (string?, byte[]?, …) or give it a value.");
}

/// <summary>
/// An enum's Avro symbols: each distinct value once, by its first name, in declaration order (as the generator's schema
/// lists them); a value is written as its symbol's index.
/// </summary>
internal static class EnumSymbols<TEnum>
    where TEnum : struct, Enum
{
    public static readonly TEnum[] Values = [.. typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (TEnum)f.GetValue(null)!).Distinct()];

    private static readonly Dictionary<TEnum, int> Indexes = Values.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);

    public static int IndexOf(TEnum value) =>
        Indexes.TryGetValue(value, out var index) ? index : throw new InvalidOperationException($"{typeof(TEnum).Name} value {value} has no name of its own, so it has no Avro symbol.");

    public static TEnum At(int index) =>
        (uint)index < (uint)Values.Length ? Values[index] : throw new InvalidDataException($"symbol {index} of {typeof(TEnum).Name}, which has {Values.Length}");
}
