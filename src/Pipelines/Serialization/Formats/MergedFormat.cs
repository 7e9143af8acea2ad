using System.Buffers;
using Microsoft.Extensions.Logging;
using Pipelines.Processing;

namespace Pipelines.Infrastructure;

/// <summary>One input of a merged input: its contract's format, with rows wrapped in and out of the merged row.</summary>
internal sealed class MergedFormat<T, TMerged>(ContractFormat<T> format, Func<T, TMerged> wrap, Func<TMerged, T> unwrap) : ContractFormat<TMerged>
{
    // Rows are read into a list of the contract first; one per thread, since formats are shared by a processor's loops.
    [ThreadStatic]
    private static List<T>? scratch;

    [ThreadStatic]
    private static List<int>? scratchUntimed;

    public override MessageSchema Schema => format.Schema;

    public override bool PacksRows => format.PacksRows;

    public override void Write(IBufferWriter<byte> output, in TMerged row, string topic) => format.Write(output, unwrap(row), topic);

    public override void WritePacked(IBufferWriter<byte> output, ReadOnlySpan<TMerged> rows, string topic)
    {
        var unwrapped = new T[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            unwrapped[i] = unwrap(rows[i]);
        }

        format.WritePacked(output, unwrapped, topic);
    }

    public override int Read(ReadOnlySpan<byte> data, MessageType type, List<TMerged> rows, List<int>? untimed)
    {
        var read = scratch ??= [];
        var readUntimed = scratchUntimed ??= [];
        read.Clear();
        readUntimed.Clear();
        var count = format.Read(data, type, read, untimed is null ? null : readUntimed);
        var start = rows.Count;
        foreach (var row in read)
        {
            rows.Add(wrap(row));
        }

        foreach (var index in readUntimed)
        {
            untimed!.Add(start + index);
        }

        read.Clear();
        return count;
    }

    public override string? SubjectOf(string topic) => format.SubjectOf(topic);

    public override Task PrepareToWriteAsync(string topic, string caller, ILogger logger, CancellationToken cancellationToken) =>
        format.PrepareToWriteAsync(topic, caller, logger, cancellationToken);

    public override Task PrepareToReadAsync(string topic, string caller, ILogger logger, CancellationToken cancellationToken) =>
        format.PrepareToReadAsync(topic, caller, logger, cancellationToken);
}
