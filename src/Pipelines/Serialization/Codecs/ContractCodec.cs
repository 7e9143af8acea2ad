using MessagePack;

namespace Pipelines.Serialization.Codecs;

/// <summary>Codec for a nested message contract: its map, or nil.</summary>
public readonly struct ContractCodec<T> : IValueCodec<T>
    where T : IMessageContract<T>
{
    /// <inheritdoc/>
    public static string WireType => $"map<{T.Serializer.Schema.Fingerprint}>";

    /// <inheritdoc/>
    public static void Write(ref MessagePackWriter writer, T value)
    {
        if (!typeof(T).IsValueType && value is null)
        {
            writer.WriteNil();
            return;
        }

        T.Serializer.Write(ref writer, value);
    }

    /// <inheritdoc/>
    public static T Read(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return default!;
        }

        ContractReader.EnterNested(ref reader);
        var value = T.Serializer.Read(ref reader);
        reader.Depth--;
        return value;
    }
}
