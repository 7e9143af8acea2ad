using System.Buffers;
using Pipelines.Processing;

namespace Pipelines.Infrastructure;

/// <summary>Pipelines' MessagePack: a row as a map, several as one columnar batch, told apart by the message-type header.</summary>
internal sealed class MessagePackFormat<T> : ContractFormat<T>
    where T : IMessageContract<T>
{
    public override MessageSchema Schema => T.Serializer.Schema;

    public override void Write(IBufferWriter<byte> output, in T row, string topic)
    {
        var writer = new MessageWriter(output);
        T.Serializer.Write(ref writer, in row);
        writer.Flush();
    }

    public override void WritePacked(IBufferWriter<byte> output, ReadOnlySpan<T> rows, string topic)
    {
        var writer = new MessageWriter(output);
        T.Serializer.WritePacked(ref writer, rows);
        writer.Flush();
    }

    public override int Read(ReadOnlySpan<byte> data, MessageType type, List<T> rows, List<int>? untimed)
    {
        if (type == MessageType.Row)
        {
            rows.Add(MessageSerializer.FromMessagePack<T>(data));
            return 1;
        }

        return MessageSerializer.FromMessagePackPacked(data, rows);
    }
}
