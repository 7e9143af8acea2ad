using Confluent.Kafka;

namespace Pipelines.Processing;

/// <summary>What an error from committing offsets means for the processor (see <see cref="CommitErrors.Classify"/>).</summary>
internal enum CommitError
{
    /// <summary>Nothing was stored since the last commit: not a failure.</summary>
    NothingToCommit,

    /// <summary>The group is changing hands: the partitions' next owner starts from the last commit that succeeded.</summary>
    Rebalancing,

    /// <summary>A passing condition (a timeout, a coordinator moving or loading, a broker restarting): worth another try.</summary>
    Retriable,

    /// <summary>The broker refused the commit for a reason a retry will not change (authorization, say); nothing is lost.</summary>
    Refused,

    /// <summary>The client can no longer work (librdkafka's fatal errors): the processor must stop.</summary>
    Fatal,
}

/// <summary>
/// Sorts commit errors. A failed commit never loses data: the offsets stay stored, a later commit sends them, and
/// at worst the partition's next owner reprocesses what came after the last commit (at least once). So only a fatal
/// client error stops a processor; everything else is logged and retried.
/// </summary>
internal static class CommitErrors
{
    public static CommitError Classify(Error error) => error switch
    {
        { IsFatal: true } => CommitError.Fatal,
        { Code: ErrorCode.Local_NoOffset } => CommitError.NothingToCommit,
        {
            Code: ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration or ErrorCode.UnknownMemberId or ErrorCode.Local_State
                or ErrorCode.Local_AssignmentLost or ErrorCode.FencedInstanceId or ErrorCode.StaleMemberEpoch or ErrorCode.FencedMemberEpoch
        } => CommitError.Rebalancing,
        {
            Code: ErrorCode.RequestTimedOut or ErrorCode.Local_TimedOut or ErrorCode.Local_TimedOutQueue or ErrorCode.Local_WaitCoord
                or ErrorCode.GroupLoadInProgress or ErrorCode.GroupCoordinatorNotAvailable or ErrorCode.NotCoordinatorForGroup
                or ErrorCode.NetworkException or ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown
                or ErrorCode.LeaderNotAvailable or ErrorCode.NotLeaderForPartition or ErrorCode.UnknownTopicOrPart
                or ErrorCode.NotEnoughReplicas or ErrorCode.NotEnoughReplicasAfterAppend or ErrorCode.KafkaStorageError
                or ErrorCode.UnstableOffsetCommit or ErrorCode.ThrottlingQuotaExceeded
        } => CommitError.Retriable,
        _ => CommitError.Refused,
    };
}
