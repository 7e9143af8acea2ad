using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// The headers a dead-lettered message carries besides its original ones, so an operator can tell what failed,
/// where it came from and why, and can replay it.
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>The processor that gave up on the message.</summary>
    public const string Processor = "pipelines.processor";

    /// <summary>The topic it was read from.</summary>
    public const string SourceTopic = "pipelines.source.topic";

    /// <summary>Its partition there (decimal text).</summary>
    public const string SourcePartition = "pipelines.source.partition";

    /// <summary>Its offset there (decimal text).</summary>
    public const string SourceOffset = "pipelines.source.offset";

    /// <summary>The exception's type, for example <c>Pipelines.MessageFormatException</c>.</summary>
    public const string ExceptionType = "pipelines.exception.type";

    /// <summary>The exception's message: the reason.</summary>
    public const string ExceptionMessage = "pipelines.exception.message";

    /// <summary>
    /// Which rows of packed rows the dead letter holds when not all of them failed: <c>first-last/count</c>,
    /// zero-based and inclusive, e.g. <c>3-3/100</c> for the fourth row of a hundred. Absent when the dead letter
    /// is the message as it was consumed.
    /// </summary>
    public const string SourceRows = "pipelines.source.rows";

    /// <summary>Copies <paramref name="original"/> and adds the dead-letter headers.</summary>
    /// <param name="original">The consumed message's headers.</param>
    /// <param name="processor">The processor's name.</param>
    /// <param name="source">Where the message was read.</param>
    /// <param name="exception">Why it failed.</param>
    /// <param name="rows">When the value holds only some rows of a batch (re-serialized): the first, how many, and of how many.</param>
    internal static Headers Create(Headers? original, string processor, TopicPartitionOffset source, Exception exception, (int First, int Count, int Of)? rows = null)
    {
        var headers = new Headers();
        foreach (var header in original ?? [])
        {
            // A part is re-serialized: its message type is its own, set below.
            if (rows is null || header.Key != MessageTypes.Header)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        if (rows is { } part)
        {
            if (part.Count > 1)
            {
                headers.Add(MessageTypes.Header, MessageTypes.ValueOf(MessageType.Rows));
            }

            headers.Add(SourceRows, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{part.First}-{part.First + part.Count - 1}/{part.Of}")));
        }

        headers.Add(Processor, Encoding.UTF8.GetBytes(processor));
        headers.Add(SourceTopic, Encoding.UTF8.GetBytes(source.Topic));
        headers.Add(SourcePartition, Encoding.UTF8.GetBytes(source.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(SourceOffset, Encoding.UTF8.GetBytes(source.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(ExceptionType, Encoding.UTF8.GetBytes(exception.GetType().FullName ?? exception.GetType().Name));
        headers.Add(ExceptionMessage, Encoding.UTF8.GetBytes(exception.Message));
        return headers;
    }
}
