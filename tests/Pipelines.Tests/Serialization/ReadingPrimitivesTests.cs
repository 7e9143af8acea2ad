using Pipelines.Infrastructure;

namespace Pipelines.Tests.Serialization;

public class ReadingPrimitivesTests
{
    [Fact]
    public void The_string_pool_returns_one_instance_per_value()
    {
        var pool = new Utf8StringPool(sets: 4);

        var first = pool.GetOrAdd("car-1"u8);
        var again = pool.GetOrAdd("car-1"u8);

        Assert.Equal("car-1", first);
        Assert.Same(first, again);
        Assert.Same(string.Empty, pool.GetOrAdd(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void The_string_pool_stays_correct_when_values_outnumber_its_slots()
    {
        var pool = new Utf8StringPool(sets: 2);
        var values = Enumerable.Range(0, 100).Select(i => "tag-" + i).ToArray();

        for (var round = 0; round < 3; round++)
        {
            foreach (var value in values)
            {
                Assert.Equal(value, pool.GetOrAdd(System.Text.Encoding.UTF8.GetBytes(value)));
            }
        }
    }

    [Fact]
    public void The_string_pool_is_safe_under_concurrent_use()
    {
        var pool = new Utf8StringPool(sets: 8);
        var values = Enumerable.Range(0, 64).Select(i => "stream-" + i).ToArray();
        var encoded = values.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();

        Parallel.For(0, 200_000, i => Assert.Equal(values[i % 64], pool.GetOrAdd(encoded[i % 64])));
    }

    [Fact]
    public void Long_strings_are_decoded_but_not_pooled()
    {
        var pool = new Utf8StringPool(sets: 4);
        var bytes = System.Text.Encoding.UTF8.GetBytes(new string('x', 500));

        Assert.NotSame(pool.GetOrAdd(bytes), pool.GetOrAdd(bytes));
    }

    [Fact]
    public void The_pool_size_must_be_a_power_of_two()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Utf8StringPool(sets: 3));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(-1L)]
    [InlineData(1_700_000_000_123_456_700L)]
    [InlineData(long.MaxValue - 7)]
    [InlineData(long.MinValue + 8)]
    public void Unix_nanoseconds_round_trip_at_tick_precision(long nanoseconds)
    {
        var time = UnixNanoseconds.ToDateTime(nanoseconds);

        Assert.Equal(DateTimeKind.Utc, time.Kind);
        Assert.InRange(nanoseconds - UnixNanoseconds.FromDateTime(time), 0, 99);
    }

    [Fact]
    public void Unix_nanoseconds_treat_local_times_by_their_instant()
    {
        var utc = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

        Assert.Equal(UnixNanoseconds.FromDateTime(utc), UnixNanoseconds.FromDateTime(utc.ToLocalTime()));
        Assert.Equal(1_780_315_200_000_000_000, UnixNanoseconds.FromDateTime(utc));
        Assert.Equal(UnixNanoseconds.MaxValue, UnixNanoseconds.ToDateTime(UnixNanoseconds.FromDateTime(UnixNanoseconds.MaxValue)));
        Assert.Equal(UnixNanoseconds.MinValue, UnixNanoseconds.ToDateTime(UnixNanoseconds.FromDateTime(UnixNanoseconds.MinValue)));
    }
}
