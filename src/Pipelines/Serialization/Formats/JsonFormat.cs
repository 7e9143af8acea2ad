using System.Buffers;
using Pipelines.Processing;

namespace Pipelines.Infrastructure;

/// <summary>Plain JSON: a row as an object, several as an array of objects; writers send no type header, so the bytes tell.</summary>
internal sealed class JsonFormat<T> : ContractFormat<T>
    where T : IMessageContract<T>
{
    public override MessageSchema Schema => T.Serializer.Schema;

    public override void Write(IBufferWriter<byte> output, in T row, string topic) => JsonMessages.Write(output, row);

    public override void WritePacked(IBufferWriter<byte> output, ReadOnlySpan<T> rows, string topic) => JsonMessages.WriteArray(output, rows);

    public override int Read(ReadOnlySpan<byte> data, MessageType type, List<T> rows, List<int>? untimed) => JsonMessages.ReadRows(data, rows, untimed);
}
