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

    /// <summary>Copies <paramref name="original"/> and adds the dead-letter headers.</summary>
    public static Headers Create(Headers? original, string processor, TopicPartitionOffset source, Exception exception)
    {
        var headers = new Headers();
        foreach (var header in original ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
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
