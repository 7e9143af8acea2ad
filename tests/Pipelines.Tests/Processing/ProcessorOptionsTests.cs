using Pipelines.Processing;

namespace Pipelines.Tests.Processing;

public class ProcessorOptionsTests
{
    private static readonly ProcessorOptions Valid = new() { Name = "p", GroupId = "g", InputTopic = "in", OutputTopic = "out", BootstrapServers = "localhost:9092" };

    [Fact]
    public void Valid_options_pass_and_the_dead_letter_topic_defaults_to_input_dot_dlq()
    {
        Valid.Validate();

        Assert.Equal("in.dlq", Valid.EffectiveDeadLetterTopic);
        Assert.Equal("mine", (Valid with { DeadLetterTopic = "mine" }).EffectiveDeadLetterTopic);
    }

    [Fact]
    public void Reading_the_output_topic_is_allowed_but_flagged_as_a_feedback_loop()
    {
        var loop = Valid with { OutputTopic = "in" };

        loop.Validate();

        Assert.True(loop.IsFeedbackLoop);
        Assert.False(Valid.IsFeedbackLoop);
        Assert.False((Valid with { OutputTopic = null }).IsFeedbackLoop);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_setting_is_named_in_the_error(ProcessorOptions options, string setting)
    {
        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(setting, error.ParamName);
        Assert.Contains(setting, error.Message);
    }

    public static TheoryData<ProcessorOptions, string> Invalid => new()
    {
        { Valid with { GroupId = " " }, nameof(ProcessorOptions.GroupId) },
        { Valid with { BootstrapServers = "" }, nameof(ProcessorOptions.BootstrapServers) },
        { Valid with { MaxRetries = -1 }, nameof(ProcessorOptions.MaxRetries) },
        { Valid with { RetryBackoff = TimeSpan.FromSeconds(-1) }, nameof(ProcessorOptions.RetryBackoff) },
        { Valid with { CommitInterval = TimeSpan.Zero }, nameof(ProcessorOptions.CommitInterval) },
        { Valid with { OnFailure = (FailurePolicy)7 }, nameof(ProcessorOptions.OnFailure) },
        { Valid with { StateTimeToLive = TimeSpan.FromSeconds(5), CommitInterval = TimeSpan.FromSeconds(5) }, nameof(ProcessorOptions.StateTimeToLive) },
    };
}
