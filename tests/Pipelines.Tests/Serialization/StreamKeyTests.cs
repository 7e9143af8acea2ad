using System.Text;
using Pipelines.Infrastructure;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

public class StreamKeyTests
{
    [Fact]
    public void Tags_are_formatted_invariantly_and_joined_in_declaration_order()
    {
        string Text(byte[] key) => Encoding.UTF8.GetString(key);

        Assert.Equal("car-07", Text(StreamKeys.Format("car-07")));
        Assert.Equal("1.5", Text(StreamKeys.Format(1.5)));
        Assert.Equal("Second", Text(StreamKeys.Format(Gear.Second)));
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e/", Text(StreamKeys.Format(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), (string?)null)));
        Assert.Equal("a/2/c", Text(StreamKeys.Format("a", 2, "c")));
    }

    [Fact]
    public void Generated_contracts_key_rows_by_their_tags()
    {
        var typical = AllTypesSamples.Typical();

        Assert.Equal("car-0042/7", Encoding.UTF8.GetString(MessageSerializer.For<AllTypes>().StreamKey(typical)!));
        Assert.Equal("s-1", Encoding.UTF8.GetString(MessageSerializer.For<SensorReading>().StreamKey(new SensorReading { Sensor = "s-1" })!));
        Assert.Null(MessageSerializer.For<Point>().StreamKey(new Point()));
    }

    [Fact]
    public void Rows_of_one_stream_share_one_key_array_so_formatting_a_key_allocates_nothing()
    {
        var first = StreamKeys.Format(new string("car-42".AsSpan()));
        var again = StreamKeys.Format(new string("car-42".AsSpan()));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            again = StreamKeys.Format("car-42");
        }

        Assert.Same(first, again);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
