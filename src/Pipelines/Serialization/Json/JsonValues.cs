using System.Buffers;
using System.Buffers.Text;
using System.ComponentModel;
using System.Text.Json;

namespace Pipelines.Infrastructure;

/// <summary>
/// Reads and writes the JSON forms of values as docs/wire-format.md ("JSON") maps them, leniently where writers in the
/// field differ: a number may come as a JSON string ("42", as JavaScript writes 64-bit integers), a float as "NaN" or
/// "Infinity", a timestamp as ISO-8601 text or a number. A value of the wrong kind throws, naming what was expected;
/// the generated reader reports that as a <see cref="MessageFormatException"/> naming the field.
/// For use by generated code and codecs; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonValues
{
    private static readonly JsonEncodedText NaN = JsonEncodedText.Encode("NaN");

    // Set by a generated reader whose row's object had no timestamp property; taken by whoever reads the message.
    [ThreadStatic]
    private static bool lacksTimestamp;
    private static readonly JsonEncodedText Infinity = JsonEncodedText.Encode("Infinity");
    private static readonly JsonEncodedText NegativeInfinity = JsonEncodedText.Encode("-Infinity");

    /// <summary>A JSON integer, or a string holding one.</summary>
    public static long Int64(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.TryGetInt64(out var value) ? value : throw NotAnInteger(ref reader),
        JsonTokenType.String => ParseInt64(Text(ref reader)),
        _ => throw Unexpected(ref reader, "an integer"),
    };

    /// <summary>A JSON non-negative integer, or a string holding one.</summary>
    public static ulong UInt64(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.TryGetUInt64(out var value) ? value : throw NotAnInteger(ref reader),
        JsonTokenType.String => ParseUInt64(Text(ref reader)),
        _ => throw Unexpected(ref reader, "an integer"),
    };

    /// <summary>A JSON number, or a string holding one or "NaN", "Infinity", "-Infinity".</summary>
    public static double Double(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.GetDouble();
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Unexpected(ref reader, "a number");
        }

        var text = Text(ref reader);
        if (text.SequenceEqual("NaN"u8))
        {
            return double.NaN;
        }

        if (text.SequenceEqual("Infinity"u8))
        {
            return double.PositiveInfinity;
        }

        if (text.SequenceEqual("-Infinity"u8))
        {
            return double.NegativeInfinity;
        }

        return Utf8Parser.TryParse(text, out double value, out var used) && used == text.Length ? value : throw new FormatException("the string does not hold a number");
    }

    /// <summary>A JSON number, or a string holding one, read exactly.</summary>
    public static decimal Decimal(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.GetDecimal(),
        JsonTokenType.String => ParseDecimal(Text(ref reader)),
        _ => throw Unexpected(ref reader, "a number"),
    };

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public static bool Boolean(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Unexpected(ref reader, "true or false"),
    };

    /// <summary>A JSON string, or <c>null</c>.</summary>
    public static string? String(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        _ => throw Unexpected(ref reader, "a string"),
    };

    /// <summary>A point in time: ISO-8601 text, or a number of milliseconds since the Unix epoch (as JavaScript's <c>Date.now()</c> and Kafka's timestamps).</summary>
    public static DateTimeOffset Time(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetDateTimeOffset(),
        JsonTokenType.Number => DateTimeOffset.UnixEpoch.AddTicks(checked(Int64(ref reader) * TimeSpan.TicksPerMillisecond)),
        _ => throw Unexpected(ref reader, "a time (ISO-8601 text or Unix milliseconds)"),
    };

    /// <summary>A <see cref="DateTime"/> as UTC, as MessagePack keeps it: ISO-8601 text (without an offset: UTC) or Unix milliseconds.</summary>
    public static DateTime UtcTime(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return Time(ref reader).UtcDateTime;
        }

        var value = reader.GetDateTime();
        return value.Kind switch
        {
            DateTimeKind.Local => value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            _ => value,
        };
    }

    /// <summary>Writes a <see cref="DateTime"/> as ISO-8601 UTC text: a local time converted, an unspecified one taken as UTC (as MessagePack does).</summary>
    public static void WriteUtcTime(Utf8JsonWriter writer, DateTime value) => writer.WriteStringValue(value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    });

    /// <summary>A time of day or duration: text as <see cref="TimeSpan"/> writes it ("1.02:03:04.5"), or a number of seconds.</summary>
    public static TimeSpan Duration(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => ParseDuration(Text(ref reader)),
        JsonTokenType.Number => TimeSpan.FromSeconds(reader.GetDouble()),
        _ => throw Unexpected(ref reader, "a duration (text or seconds)"),
    };

    /// <summary>Writes a float, or "NaN", "Infinity" or "-Infinity" as a string, which JSON numbers cannot hold.</summary>
    public static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? NaN : value > 0 ? Infinity : NegativeInfinity);
        }
    }

    /// <inheritdoc cref="WriteDouble(Utf8JsonWriter, double)"/>
    public static void WriteSingle(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(float.IsNaN(value) ? NaN : value > 0 ? Infinity : NegativeInfinity);
        }
    }

    /// <summary>Called by a generated reader when the object it read had no property for the contract's timestamp.</summary>
    public static void LacksTimestamp() => lacksTimestamp = true;

    /// <summary>Whether the row read last lacked its timestamp; clears the mark.</summary>
    internal static bool TakeLacksTimestamp()
    {
        var lacked = lacksTimestamp;
        lacksTimestamp = false;
        return lacked;
    }

    /// <summary>Throws unless the reader is at the start of an object; returns false at a <c>null</c> (no object).</summary>
    public static bool StartObject(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => true,
        JsonTokenType.Null => false,
        _ => throw Unexpected(ref reader, "an object"),
    };

    /// <summary>Moves to the next property of an object; false at its end. The reader is then on the property's name.</summary>
    public static bool NextProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    /// <summary>Throws unless the reader is at the start of an array; returns false at a <c>null</c> (no array).</summary>
    public static bool StartArray(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartArray => true,
        JsonTokenType.Null => false,
        _ => throw Unexpected(ref reader, "an array"),
    };

    /// <summary>Moves to the next element of an array; false at its end. The reader is then on the element's first token.</summary>
    public static bool NextElement(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType != JsonTokenType.EndArray;
    }

    /// <summary>What was found where <paramref name="expected"/> should have been.</summary>
    public static JsonException Unexpected(ref Utf8JsonReader reader, string expected) =>
        new($"expected {expected} but found {Describe(reader.TokenType)}");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "true or false",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static OverflowException NotAnInteger(ref Utf8JsonReader reader) =>
        new($"the number {System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan)} is not an integer that fits");

    /// <summary>A string token's text; unescaped into a new array only when it must be (an escape in a number is rare).</summary>
    private static ReadOnlySpan<byte> Text(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return reader.ValueSpan;
        }

        var buffer = new byte[reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length];
        return buffer.AsSpan(0, reader.CopyString(buffer));
    }

    private static long ParseInt64(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out long value, out var used) && used == text.Length ? value : throw new FormatException("the string does not hold an integer");

    private static ulong ParseUInt64(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out ulong value, out var used) && used == text.Length ? value : throw new FormatException("the string does not hold a non-negative integer");

    private static decimal ParseDecimal(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out decimal value, out var used) && used == text.Length ? value : throw new FormatException("the string does not hold a decimal number");

    private static TimeSpan ParseDuration(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out TimeSpan value, out var used, 'c') && used == text.Length ? value : throw new FormatException("the string does not hold a duration ([d.]hh:mm:ss[.fffffff])");
}
