using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>The <see cref="IInputProgress"/> of a consumer: what it has read against the high watermarks its fetches brought back.</summary>
internal sealed class ConsumerProgress(IConsumer<byte[]?, RowRange> consumer, IReadOnlyList<string> topics) : IInputProgress
{
    // A broker that does not answer this fast is treated as not confirming: the row waits, at most MaxInputWait.
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromMilliseconds(500);

    public bool IsCaughtUp(int input, int partition, bool confirm)
    {
        var topicPartition = new TopicPartition(topics[input], partition);

        // Cached from the last fetch response; no request to the broker. Unset: nothing fetched yet, so nothing known.
        var watermarks = consumer.GetWatermarkOffsets(topicPartition);
        var position = consumer.Position(topicPartition);
        if (watermarks.High == Offset.Unset || !Reached(position, watermarks))
        {
            return false;
        }

        if (!confirm)
        {
            return true;
        }

        try
        {
            return Reached(position, consumer.QueryWatermarkOffsets(topicPartition, ConfirmTimeout));
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="position"/> is at the end; before its first message a partition has no position, and an empty one (low = high) has nothing to wait for.</summary>
    private static bool Reached(Offset position, WatermarkOffsets watermarks) =>
        position == Offset.Unset
            ? watermarks.Low != Offset.Unset && watermarks.Low >= watermarks.High
            : position >= watermarks.High;

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
