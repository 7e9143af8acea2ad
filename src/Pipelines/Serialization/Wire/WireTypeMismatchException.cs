namespace Pipelines.Infrastructure;

/// <summary>The next value has another MessagePack type than the one being read; wrapped into <see cref="MessageFormatException"/>.</summary>
internal sealed class WireTypeMismatchException(string expected, byte code)
    : FormatException($"Expected {expected} but found {MessagePackCodes.Describe(code)}")
{
    public string Expected { get; } = expected;

    public byte Code { get; } = code;
}
