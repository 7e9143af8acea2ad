using System.Buffers;
using MessagePack;

namespace Pipelines.Serialization;

/// <summary>Reading steps shared by every generated serializer: keys, skipping unknown values, nesting depth.</summary>
public static class ContractReader
{
    /// <summary>How deeply contracts may nest in one message; deeper input is rejected rather than recursed into.</summary>
    public const int MaxDepth = 64;

    // A key longer than this is never one of ours; it is compared against nothing and skipped.
    private const int ScratchLength = 512;

    [ThreadStatic]
    private static byte[]? scratch;

    /// <summary>
    /// Reads a map key as UTF-8. A key that is not a string (MessagePack allows any type) is skipped and read
    /// as empty, which matches no field, so its value is skipped too.
    /// </summary>
    public static ReadOnlySpan<byte> ReadKey(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            Skip(ref reader);
            return default;
        }

        return reader.TryReadStringSpan(out var utf8) ? utf8 : CopyString(ref reader);
    }

    /// <summary>Reads a non-nil string as UTF-8 without allocating.</summary>
    public static ReadOnlySpan<byte> ReadStringSpan(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            throw new MessagePackSerializationException($"Expected a string but found {Describe(reader.NextCode)}.");
        }

        return reader.TryReadStringSpan(out var utf8) ? utf8 : CopyString(ref reader);
    }

    /// <summary>
    /// Reads a string that spans buffer segments into a per-thread buffer. The span is valid until the next
    /// call on this thread.
    /// </summary>
    internal static ReadOnlySpan<byte> CopyString(ref MessagePackReader reader)
    {
        var sequence = reader.ReadStringSequence() ?? default;
        if (sequence.Length > ScratchLength)
        {
            return sequence.ToArray();
        }

        var buffer = scratch ??= new byte[ScratchLength];
        sequence.CopyTo(buffer);
        return buffer.AsSpan(0, (int)sequence.Length);
    }

    /// <summary>
    /// Skips one value of any shape. Iterative, so hostile input nested a million levels deep cannot
    /// overflow the stack; every step consumes at least one byte, so it ends.
    /// </summary>
    public static void Skip(ref MessagePackReader reader)
    {
        long pending = 1;
        while (pending-- > 0)
        {
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Map:
                    pending += 2L * reader.ReadMapHeader();
                    break;
                case MessagePackType.Array:
                    pending += reader.ReadArrayHeader();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    /// <summary>Counts one level of contract nesting; the caller decrements <see cref="MessagePackReader.Depth"/> after reading.</summary>
    public static void EnterNested(ref MessagePackReader reader)
    {
        if (++reader.Depth > MaxDepth)
        {
            throw new MessagePackSerializationException($"Contracts nest deeper than {MaxDepth} levels.");
        }
    }

    /// <summary>Names a MessagePack type code for error messages.</summary>
    public static string Describe(byte code) => code switch
    {
        <= MessagePackCode.MaxFixInt => "a positive fixint",
        >= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap => "a map",
        >= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray => "an array",
        >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr => "a string",
        MessagePackCode.Nil => "nil",
        MessagePackCode.False or MessagePackCode.True => "a bool",
        MessagePackCode.Bin8 or MessagePackCode.Bin16 or MessagePackCode.Bin32 => "binary",
        MessagePackCode.Float32 or MessagePackCode.Float64 => "a float",
        >= MessagePackCode.UInt8 and <= MessagePackCode.Int64 => "an integer",
        MessagePackCode.Str8 or MessagePackCode.Str16 or MessagePackCode.Str32 => "a string",
        MessagePackCode.Array16 or MessagePackCode.Array32 => "an array",
        MessagePackCode.Map16 or MessagePackCode.Map32 => "a map",
        >= MessagePackCode.MinNegativeFixInt => "a negative fixint",
        MessagePackCode.NeverUsed => "the never-used code 0xc1",
        _ => "an extension",
    } + $" (0x{code:x2})";
}
