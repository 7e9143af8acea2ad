using Confluent.Kafka;
using Pipelines.Processing;

namespace Pipelines.Tests.Processing;

public class CommitErrorsTests
{
    [Theory]
    [InlineData(ErrorCode.Local_NoOffset, CommitError.NothingToCommit)]
    [InlineData(ErrorCode.RebalanceInProgress, CommitError.Rebalancing)]
    [InlineData(ErrorCode.IllegalGeneration, CommitError.Rebalancing)]
    [InlineData(ErrorCode.UnknownMemberId, CommitError.Rebalancing)]
    [InlineData(ErrorCode.Local_State, CommitError.Rebalancing)]
    [InlineData(ErrorCode.Local_AssignmentLost, CommitError.Rebalancing)]
    [InlineData(ErrorCode.RequestTimedOut, CommitError.Retriable)]
    [InlineData(ErrorCode.Local_WaitCoord, CommitError.Retriable)]
    [InlineData(ErrorCode.GroupLoadInProgress, CommitError.Retriable)]
    [InlineData(ErrorCode.GroupCoordinatorNotAvailable, CommitError.Retriable)]
    [InlineData(ErrorCode.NotCoordinatorForGroup, CommitError.Retriable)]
    [InlineData(ErrorCode.Local_TimedOut, CommitError.Retriable)]
    [InlineData(ErrorCode.Local_Transport, CommitError.Retriable)]
    [InlineData(ErrorCode.Local_AllBrokersDown, CommitError.Retriable)]
    [InlineData(ErrorCode.GroupAuthorizationFailed, CommitError.Refused)]
    [InlineData(ErrorCode.OffsetMetadataTooLarge, CommitError.Refused)]
    internal void Commit_errors_are_sorted_by_what_a_retry_can_change(ErrorCode code, CommitError expected) =>
        Assert.Equal(expected, CommitErrors.Classify(new Error(code)));

    [Fact]
    public void A_fatal_error_stops_whatever_its_code() =>
        Assert.Equal(CommitError.Fatal, CommitErrors.Classify(new Error(ErrorCode.RequestTimedOut, "fenced", isFatal: true)));
}
