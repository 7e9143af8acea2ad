using MessagePack;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

/// <summary>Our bytes against MessagePack-CSharp, an independent implementation of the same format.</summary>
public class CrossCheckTests
{
    [Theory]
    [MemberData(nameof(AllTypesSamples.Names), MemberType = typeof(AllTypesSamples))]
    public void MessagePack_CSharp_reads_our_bytes_into_the_same_values(string sample)
    {
        var expected = AllTypesSamples.ByName(sample);

        var mirror = MessagePackSerializer.Deserialize<AllTypesMirror>(MessageSerializer.Serialize(expected));

        AllTypesSamples.AssertEquivalent(expected, mirror.ToContract());
    }

    [Theory]
    [MemberData(nameof(AllTypesSamples.Names), MemberType = typeof(AllTypesSamples))]
    public void We_read_the_bytes_MessagePack_CSharp_writes_for_the_same_shape(string sample)
    {
        var expected = AllTypesSamples.ByName(sample);

        var bytes = MessagePackSerializer.Serialize(AllTypesMirror.From(expected));

        AllTypesSamples.AssertEquivalent(expected, MessageSerializer.Deserialize<AllTypes>(bytes));
    }

    [Theory]
    [MemberData(nameof(AllTypesSamples.Names), MemberType = typeof(AllTypesSamples))]
    public void Our_bytes_equal_MessagePack_CSharps_bytes_for_the_same_shape(string sample)
    {
        var value = AllTypesSamples.ByName(sample);

        Assert.Equal(MessagePackSerializer.Serialize(AllTypesMirror.From(value)), MessageSerializer.Serialize(value));
    }

    [Fact]
    public void A_schemaless_reader_sees_named_fields_with_plain_values()
    {
        var row = AllTypesSamples.Typical();

        var map = MessagePackSerializer.Deserialize<Dictionary<object, object?>>(MessageSerializer.Serialize(row));

        Assert.Equal(MessageSerializer.SchemaOf<AllTypes>().Fields.Select(f => f.Name), map.Keys.Cast<string>());
        Assert.Equal(UnixNanoseconds.FromDateTimeOffset(row.Time), Convert.ToInt64(map["ts"]));
        Assert.Equal("car-0042", map["Tag"]);
        Assert.Equal(271.828, map["Double"]);
        Assert.Equal(3.25f, map["Single"]);
        Assert.Equal(123456L, Convert.ToInt64(map["Int32"]));
        Assert.Equal("12345.6789", map["Decimal"]);
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", map["Guid"]);
        Assert.Equal(row.DateTime, map["DateTime"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, map["Bytes"]);
        Assert.Equal(new object[] { 1.5, -2.5 }, map["Doubles"]);
        Assert.Equal("7c9e6679-7425-40de-944b-e07fc1f90ae7", map["NullableGuid"]);
        var point = Assert.IsType<Dictionary<object, object>>(map["Point"]);
        Assert.Equal(1.0, point["X"]);
    }
}
