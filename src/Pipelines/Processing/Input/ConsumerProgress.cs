using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>The <see cref="IInputProgress"/> of a consumer: what it has read against the high watermarks its fetches brought back.</summary>
internal sealed class ConsumerProgress(IConsumer<byte[]?, RowRange> consumer, IReadOnlyList<string> topics) : IInputProgress
{
    public bool IsCaughtUp(int input, int partition)
    {
        var topicPartition = new TopicPartition(topics[input], partition);

        // Cached from the last fetch response; no request to the broker. Unset: nothing fetched yet, so nothing known.
        var watermarks = consumer.GetWatermarkOffsets(topicPartition);
        if (watermarks.High == Offset.Unset)
        {
            return false;
        }

        var position = consumer.Position(topicPartition);

        // Before its first message a partition has no position; an empty one (low = high) has nothing to wait for.
        return position == Offset.Unset
            ? watermarks.Low != Offset.Unset && watermarks.Low >= watermarks.High
            : position >= watermarks.High;
    }

    public void Pause(int input, int partition) => consumer.Pause([new TopicPartition(topics[input], partition)]);

    public void Resume(int input, int partition)
    {
        try
        {
            consumer.Resume([new TopicPartition(topics[input], partition)]);
        }
        catch (KafkaException)
        {
            // A partition already taken away is not paused on this instance any more: nothing to resume.
        }
    }
}
