using MessagePack;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

/// <summary>
/// <see cref="AllTypes"/> declared for MessagePack-CSharp with the same string keys, types and order: the
/// independent implementation our wire format is checked against.
/// </summary>
[MessagePackObject]
public class AllTypesMirror
{
    [Key("ts")] public long Time { get; set; }
    [Key("Tag")] public string? Tag { get; set; }
    [Key("TagNumber")] public int TagNumber { get; set; }
    [Key("Bool")] public bool Bool { get; set; }
    [Key("SByte")] public sbyte SByte { get; set; }
    [Key("Byte")] public byte Byte { get; set; }
    [Key("Int16")] public short Int16 { get; set; }
    [Key("UInt16")] public ushort UInt16 { get; set; }
    [Key("Int32")] public int Int32 { get; set; }
    [Key("UInt32")] public uint UInt32 { get; set; }
    [Key("Int64")] public long Int64 { get; set; }
    [Key("UInt64")] public ulong UInt64 { get; set; }
    [Key("Single")] public float Single { get; set; }
    [Key("Double")] public double Double { get; set; }
    [Key("Decimal")] public decimal Decimal { get; set; }
    [Key("String")] public string? String { get; set; }
    [Key("DateTime")] public DateTime DateTime { get; set; }
    [Key("DateTimeOffset")] public DateTimeOffset DateTimeOffset { get; set; }
    [Key("TimeSpan")] public TimeSpan TimeSpan { get; set; }
    [Key("Guid")] public Guid Guid { get; set; }
    [Key("Gear")] public Gear Gear { get; set; }
    [Key("Marker")] public Marker Marker { get; set; }
    [Key("Bytes")] public byte[]? Bytes { get; set; }
    [Key("Memory")] public byte[]? Memory { get; set; }
    [Key("NullableInt")] public int? NullableInt { get; set; }
    [Key("NullableDouble")] public double? NullableDouble { get; set; }
    [Key("NullableGuid")] public Guid? NullableGuid { get; set; }
    [Key("Doubles")] public double[]? Doubles { get; set; }
    [Key("Strings")] public List<string?>? Strings { get; set; }
    [Key("ReadOnlyInts")] public IReadOnlyList<int>? ReadOnlyInts { get; set; }
    [Key("Jagged")] public int[][]? Jagged { get; set; }
    [Key("Point")] public PointMirror? Point { get; set; }
    [Key("Points")] public List<PointMirror>? Points { get; set; }

    public static AllTypesMirror From(AllTypes v) => new()
    {
        Time = UnixNanoseconds.FromDateTimeOffset(v.Time),
        Tag = v.Tag, TagNumber = v.TagNumber, Bool = v.Bool, SByte = v.SByte, Byte = v.Byte, Int16 = v.Int16,
        UInt16 = v.UInt16, Int32 = v.Int32, UInt32 = v.UInt32, Int64 = v.Int64, UInt64 = v.UInt64, Single = v.Single,
        Double = v.Double, Decimal = v.Decimal, String = v.String, DateTime = v.DateTime, DateTimeOffset = v.DateTimeOffset,
        TimeSpan = v.TimeSpan, Guid = v.Guid, Gear = v.Gear, Marker = v.Marker, Bytes = v.Bytes, Memory = v.Memory.ToArray(),
        NullableInt = v.NullableInt, NullableDouble = v.NullableDouble, NullableGuid = v.NullableGuid, Doubles = v.Doubles,
        Strings = v.Strings, ReadOnlyInts = v.ReadOnlyInts, Jagged = v.Jagged, Point = PointMirror.From(v.Point),
        Points = v.Points?.Select(p => PointMirror.From(p)!).ToList(),
    };

    public AllTypes ToContract() => new()
    {
        Time = UnixNanoseconds.ToDateTimeOffset(Time),
        Tag = Tag, TagNumber = TagNumber, Bool = Bool, SByte = SByte, Byte = Byte, Int16 = Int16, UInt16 = UInt16,
        Int32 = Int32, UInt32 = UInt32, Int64 = Int64, UInt64 = UInt64, Single = Single, Double = Double, Decimal = Decimal,
        String = String, DateTime = DateTime, DateTimeOffset = DateTimeOffset, TimeSpan = TimeSpan, Guid = Guid, Gear = Gear,
        Marker = Marker, Bytes = Bytes, Memory = Memory ?? [], NullableInt = NullableInt, NullableDouble = NullableDouble,
        NullableGuid = NullableGuid, Doubles = Doubles, Strings = Strings, ReadOnlyInts = ReadOnlyInts, Jagged = Jagged,
        Point = Point?.ToContract(), Points = Points?.Select(p => p.ToContract()).ToList(),
    };
}

[MessagePackObject]
public class PointMirror
{
    [Key("X")] public double X { get; set; }
    [Key("Y")] public double Y { get; set; }

    public static PointMirror? From(Point? p) => p is null ? null : new() { X = p.X, Y = p.Y };

    public Point ToContract() => new() { X = X, Y = Y };
}
