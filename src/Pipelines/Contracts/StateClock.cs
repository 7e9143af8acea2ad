namespace Pipelines;

/// <summary>What a processor's <see cref="ProcessorAttribute.StateTimeToLive"/> is measured on.</summary>
public enum StateClock
{
    /// <summary>The wall clock (the processor's <c>TimeProvider</c>): a key is forgotten that long after its last row was handled.</summary>
    WallClock,

    /// <summary>
    /// Data time: a key is forgotten once rows of its partition are that much later, by their timestamps, than its own
    /// last row. Needs an input contract with a timestamp. A replay of old data expires state as it went the first time.
    /// </summary>
    DataTime,
}
