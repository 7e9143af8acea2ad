namespace Pipelines.Tests.Contracts;

public enum Gear : byte
{
    Neutral,
    First,
    Second,
}

public enum Marker : long
{
    None = 0,
    Lowest = long.MinValue,
    Highest = long.MaxValue,
}

[MessageContract]
public partial class Point
{
    [Parameter] public double X { get; set; }
    [Parameter] public double Y { get; set; }
}

/// <summary>One member of every supported type, so every codec is exercised through generated code.</summary>
[Topic("all-types")]
public partial class AllTypes
{
    [Timestamp("ts")] public DateTimeOffset Time { get; set; }
    [Tag] public string? Tag { get; set; } = "";
    [Tag] public int TagNumber { get; set; }
    [Parameter] public bool Bool { get; set; }
    [Parameter] public sbyte SByte { get; set; }
    [Parameter] public byte Byte { get; set; }
    [Parameter] public short Int16 { get; set; }
    [Parameter] public ushort UInt16 { get; set; }
    [Parameter] public int Int32 { get; set; }
    [Parameter] public uint UInt32 { get; set; }
    [Parameter] public long Int64 { get; set; }
    [Parameter] public ulong UInt64 { get; set; }
    [Parameter] public float Single { get; set; }
    [Parameter] public double Double { get; set; }
    [Parameter] public decimal Decimal { get; set; }
    [Parameter] public string? String { get; set; }
    [Parameter] public DateTime DateTime { get; set; }
    [Parameter] public DateTimeOffset DateTimeOffset { get; set; }
    [Parameter] public TimeSpan TimeSpan { get; set; }
    [Parameter] public Guid Guid { get; set; }
    [Parameter] public Gear Gear { get; set; }
    [Parameter] public Marker Marker { get; set; }
    [Parameter] public byte[]? Bytes { get; set; }
    [Parameter] public ReadOnlyMemory<byte> Memory { get; set; }
    [Parameter] public int? NullableInt { get; set; }
    [Parameter] public double? NullableDouble { get; set; }
    [Parameter] public Guid? NullableGuid { get; set; }
    [Parameter] public double[]? Doubles { get; set; }
    [Parameter] public List<string?>? Strings { get; set; }
    [Parameter] public IReadOnlyList<int>? ReadOnlyInts { get; set; }
    [Parameter] public int[][]? Jagged { get; set; }
    [Parameter] public Point? Point { get; set; }
    [Parameter] public List<Point>? Points { get; set; }
}

/// <summary>A struct with fields: read without any allocation.</summary>
[Topic("sensor-readings")]
public partial struct SensorReading
{
    [Timestamp] public long Time;
    [Tag] public string Sensor;
    [Parameter] public double Value;
    [Parameter] public int Quality;
    [Parameter] public bool Valid;
}

/// <summary>Init-only members: constructed with an object initializer.</summary>
[MessageContract]
public partial class InitOnlyRow
{
    [Parameter] public int A { get; init; }
    [Parameter] public string? B { get; init; }
}

/// <summary>A get-only member bound through a constructor, next to a settable one.</summary>
[MessageContract]
public partial class ConstructedRow(int id)
{
    [Tag] public int Id { get; } = id;
    [Parameter] public double Reading { get; set; }
}

/// <summary>A keyword member name and a non-ASCII wire name.</summary>
[MessageContract]
public partial record struct OddNames
{
    [Parameter("température")] public double @event { get; set; }
    [Parameter] public int Plain { get; set; }
}
