using Pipelines.Processing;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Processing;

public class BufferOptionsTests
{
    private static readonly MessageSchema WithTimestamp = MessageSerializer.SchemaOf<CarTelemetry>();
    private static readonly MessageSchema WithoutTimestamp = new("NoTime", null, []);

    public static TheoryData<BufferOptions, string> Invalid => new()
    {
        { new BufferOptions { MaxRows = 0 }, "InputBuffer:MaxRows" },
        { new BufferOptions { MaxBytes = -1 }, "InputBuffer:MaxBytes" },
        { new BufferOptions { DataSpan = TimeSpan.Zero }, "InputBuffer:DataSpan" },
        { new BufferOptions { Timeout = TimeSpan.FromSeconds(1) }, "InputBuffer:Timeout" },
        { new BufferOptions { Reorder = TimeSpan.FromTicks(-1) }, "InputBuffer:Reorder" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_buffer_setting_is_named_in_the_error(BufferOptions options, string setting)
    {
        var error = Assert.Throws<ArgumentException>(() => options.Validate("Processor 'BrakeMonitor'", "InputBuffer", WithTimestamp, hasFlushHook: false, isInput: true));

        Assert.Equal(setting, error.ParamName);
        Assert.StartsWith("Processor 'BrakeMonitor': " + setting, error.Message);
    }

    [Fact]
    public void A_timeout_is_valid_beside_a_size_rule_or_a_flush_hook()
    {
        new BufferOptions { Timeout = TimeSpan.FromSeconds(1), MaxRows = 10 }.Validate("p", "InputBuffer", WithTimestamp, hasFlushHook: false, isInput: true);
        new BufferOptions { Timeout = TimeSpan.FromSeconds(1) }.Validate("p", "InputBuffer", WithTimestamp, hasFlushHook: true, isInput: true);
    }

    [Fact]
    public void Time_rules_need_a_timestamp_and_reordering_is_for_input_only()
    {
        var span = Assert.Throws<ArgumentException>(() => new BufferOptions { DataSpan = TimeSpan.FromSeconds(1) }.Validate("p", "OutputBuffer", WithoutTimestamp, false, isInput: false));
        var reorder = Assert.Throws<ArgumentException>(() => new BufferOptions { Reorder = TimeSpan.FromSeconds(1) }.Validate("p", "OutputBuffer", WithTimestamp, false, isInput: false));

        Assert.Contains("NoTime has no [Timestamp]", span.Message);
        Assert.Contains("input buffers only", reorder.Message);
    }
}
