using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>
/// Sorts what a delivery report says. librdkafka has retried a message for <c>message.timeout.ms</c> before it reports
/// an error, so an error is either a condition that outlasted the retries (a broker away, a leader moving: the message
/// may go through if written again) or a refusal that writing again will not change (a message too large, a topic the
/// client may not write, a fatal client error).
/// </summary>
internal static class DeliveryErrors
{
    /// <summary>
    /// Whether the message was written: the report carries no error and says <see cref="PersistenceStatus.Persisted"/>.
    /// The offset may be unknown even then: a real broker answers an idempotent producer's retried batch that it had
    /// already written with a duplicate-sequence acknowledgement, which librdkafka reports as persisted without one.
    /// </summary>
    public static bool IsDelivered<TKey, TValue>(DeliveryReport<TKey, TValue> report) =>
        !report.Error.IsError && report.Status == PersistenceStatus.Persisted;

    /// <summary>Whether a failed delivery may succeed if written again: a passing condition, or no error but no persistence.</summary>
    public static bool IsPassing(Error error) => error switch
    {
        { IsFatal: true } => false,
        { IsError: false } => true,
        {
            Code: ErrorCode.Local_MsgTimedOut or ErrorCode.Local_TimedOut or ErrorCode.Local_TimedOutQueue or ErrorCode.RequestTimedOut
                or ErrorCode.NetworkException or ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.BrokerNotAvailable
                or ErrorCode.LeaderNotAvailable or ErrorCode.NotLeaderForPartition or ErrorCode.ReplicaNotAvailable
                or ErrorCode.NotEnoughReplicas or ErrorCode.NotEnoughReplicasAfterAppend or ErrorCode.KafkaStorageError
                or ErrorCode.Local_Retry or ErrorCode.ThrottlingQuotaExceeded
        } => true,
        _ => false,
    };
}
