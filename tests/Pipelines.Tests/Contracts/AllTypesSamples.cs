namespace Pipelines.Tests.Contracts;

/// <summary>Edge values for every supported type, and an equality check that compares collections by content.</summary>
public static class AllTypesSamples
{
    public static AllTypes Typical() => new()
    {
        Time = new DateTimeOffset(2026, 11, 23, 12, 30, 15, TimeSpan.Zero).AddTicks(1234567),
        Tag = "car-0042",
        TagNumber = 7,
        Bool = true,
        SByte = -5,
        Byte = 200,
        Int16 = -3000,
        UInt16 = 60000,
        Int32 = 123456,
        UInt32 = 3_000_000_000,
        Int64 = -9_000_000_000,
        UInt64 = 18_000_000_000_000_000_000,
        Single = 3.25f,
        Double = 271.828,
        Decimal = 12345.6789m,
        String = "brake temperature",
        DateTime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(6789),
        DateTimeOffset = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(5.5)),
        TimeSpan = TimeSpan.FromMilliseconds(1234.5),
        Guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        Gear = Gear.Second,
        Marker = Marker.Highest,
        Bytes = [1, 2, 3],
        Memory = new byte[] { 9, 8, 7, 6 },
        NullableInt = 42,
        NullableDouble = -0.5,
        NullableGuid = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        Doubles = [1.5, -2.5],
        Strings = ["a", null, "c"],
        ReadOnlyInts = [1, 2, 3],
        Jagged = [[1], [], [2, 3]],
        Point = new Point { X = 1, Y = -1 },
        Points = [new Point { X = 2, Y = 3 }],
    };

    public static AllTypes Minimums() => new()
    {
        Time = UnixNanoseconds.MinValue,
        Tag = "",
        TagNumber = int.MinValue,
        SByte = sbyte.MinValue,
        Int16 = short.MinValue,
        Int32 = int.MinValue,
        Int64 = long.MinValue,
        Single = float.MinValue,
        Double = double.MinValue,
        Decimal = decimal.MinValue,
        String = "",
        DateTime = DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc),
        DateTimeOffset = new DateTimeOffset(DateTime.MinValue.AddDays(1), TimeSpan.FromHours(-14)),
        TimeSpan = TimeSpan.MinValue,
        Guid = Guid.Empty,
        Marker = Marker.Lowest,
        Bytes = [],
        Memory = ReadOnlyMemory<byte>.Empty,
        NullableInt = int.MinValue,
        NullableDouble = double.Epsilon,
        NullableGuid = Guid.Empty,
        Doubles = [],
        Strings = [],
        ReadOnlyInts = [],
        Jagged = [],
        Point = new Point(),
        Points = [],
    };

    public static AllTypes Maximums() => new()
    {
        Time = UnixNanoseconds.MaxValue,
        Tag = new string('x', 300),
        TagNumber = int.MaxValue,
        Bool = true,
        SByte = sbyte.MaxValue,
        Byte = byte.MaxValue,
        Int16 = short.MaxValue,
        UInt16 = ushort.MaxValue,
        Int32 = int.MaxValue,
        UInt32 = uint.MaxValue,
        Int64 = long.MaxValue,
        UInt64 = ulong.MaxValue,
        Single = float.MaxValue,
        Double = double.MaxValue,
        Decimal = decimal.MaxValue,
        String = new string('é', 70_000),
        DateTime = DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
        DateTimeOffset = new DateTimeOffset(DateTime.MaxValue.AddDays(-1), TimeSpan.FromHours(14)),
        TimeSpan = TimeSpan.MaxValue,
        Guid = Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff"),
        Gear = (Gear)255,
        Marker = Marker.Highest,
        Bytes = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 31)).ToArray(),
        Memory = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray(),
        NullableInt = int.MaxValue,
        NullableDouble = double.MaxValue,
        Doubles = Enumerable.Range(0, 100_000).Select(i => i * 0.5).ToArray(),
        Strings = Enumerable.Range(0, 20).Select(i => i.ToString()).ToList<string?>(),
        ReadOnlyInts = Enumerable.Range(0, 70_000).ToArray(),
        Jagged = [Enumerable.Range(0, 1000).ToArray()],
        Point = new Point { X = double.MaxValue, Y = double.MinValue },
        Points = Enumerable.Range(0, 100).Select(i => new Point { X = i, Y = -i }).ToList(),
    };

    public static AllTypes SpecialFloats() => new()
    {
        Time = DateTimeOffset.UnixEpoch,
        Tag = "Ünïcødé 🚗 車",
        String = "日本語 テキスト and emoji 🏎️ and \0 nul",
        Single = float.NaN,
        Double = double.PositiveInfinity,
        NullableDouble = double.NegativeInfinity,
        Doubles = [double.NaN, double.NegativeInfinity, double.PositiveInfinity, -0.0, double.Epsilon],
        Decimal = -0.0000000000000000000000000001m,
        Point = new Point { X = double.NaN, Y = double.NegativeInfinity },
    };

    public static AllTypes Nulls() => new()
    {
        Time = DateTimeOffset.UnixEpoch.AddTicks(-1),
        Tag = null,
        String = null,
        Bytes = null,
        NullableInt = null,
        NullableDouble = null,
        NullableGuid = null,
        Doubles = null,
        Strings = null,
        ReadOnlyInts = null,
        Jagged = null,
        Point = null,
        Points = null,
    };

    public static readonly string[] All = ["Typical", "Minimums", "Maximums", "SpecialFloats", "Nulls"];

    public static TheoryData<string> Names => new(All);

    public static AllTypes ByName(string name) => name switch
    {
        "Typical" => Typical(),
        "Minimums" => Minimums(),
        "Maximums" => Maximums(),
        "SpecialFloats" => SpecialFloats(),
        "Nulls" => Nulls(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public static void AssertEquivalent(AllTypes expected, AllTypes actual)
    {
        Assert.Equal(expected.Time, actual.Time);
        Assert.Equal(TimeSpan.Zero, actual.Time.Offset);
        Assert.Equal(expected.Tag, actual.Tag);
        Assert.Equal(expected.TagNumber, actual.TagNumber);
        Assert.Equal(expected.Bool, actual.Bool);
        Assert.Equal(expected.SByte, actual.SByte);
        Assert.Equal(expected.Byte, actual.Byte);
        Assert.Equal(expected.Int16, actual.Int16);
        Assert.Equal(expected.UInt16, actual.UInt16);
        Assert.Equal(expected.Int32, actual.Int32);
        Assert.Equal(expected.UInt32, actual.UInt32);
        Assert.Equal(expected.Int64, actual.Int64);
        Assert.Equal(expected.UInt64, actual.UInt64);
        Assert.Equal(expected.Single, actual.Single);
        Assert.Equal(expected.Double, actual.Double);
        Assert.Equal(expected.Decimal, actual.Decimal);
        Assert.Equal(expected.String, actual.String);
        Assert.Equal(expected.DateTime, actual.DateTime);
        Assert.Equal(DateTimeKind.Utc, actual.DateTime.Kind);
        Assert.Equal(expected.DateTimeOffset, actual.DateTimeOffset);
        Assert.Equal(expected.DateTimeOffset.Offset, actual.DateTimeOffset.Offset);
        Assert.Equal(expected.TimeSpan, actual.TimeSpan);
        Assert.Equal(expected.Guid, actual.Guid);
        Assert.Equal(expected.Gear, actual.Gear);
        Assert.Equal(expected.Marker, actual.Marker);
        Assert.Equal(expected.Bytes, actual.Bytes);
        Assert.Equal(expected.Memory.ToArray(), actual.Memory.ToArray());
        Assert.Equal(expected.NullableInt, actual.NullableInt);
        Assert.Equal(expected.NullableDouble, actual.NullableDouble);
        Assert.Equal(expected.NullableGuid, actual.NullableGuid);
        Assert.Equal(expected.Doubles, actual.Doubles);
        Assert.Equal(expected.Strings, actual.Strings);
        Assert.Equal(expected.ReadOnlyInts, actual.ReadOnlyInts);
        Assert.Equal(expected.Jagged, actual.Jagged);
        AssertPoint(expected.Point, actual.Point);
        Assert.Equal(expected.Points?.Count, actual.Points?.Count);
        for (var i = 0; i < (expected.Points?.Count ?? 0); i++)
        {
            AssertPoint(expected.Points![i], actual.Points![i]);
        }
    }

    private static void AssertPoint(Point? expected, Point? actual)
    {
        Assert.Equal(expected is null, actual is null);
        Assert.Equal(expected?.X, actual?.X);
        Assert.Equal(expected?.Y, actual?.Y);
    }
}
