namespace Pipelines;

/// <summary>
/// Converts between .NET times and the wire's time axis: int64 nanoseconds since 1970-01-01T00:00:00Z, which
/// covers 1677-09-21 to 2262-04-11.
/// </summary>
public static class UnixNanoseconds
{
    private const long NanosecondsPerTick = 100;

    /// <summary>The earliest representable time.</summary>
    public static readonly DateTime MinValue = new(DateTime.UnixEpoch.Ticks + (long.MinValue / NanosecondsPerTick), DateTimeKind.Utc);

    /// <summary>The latest representable time.</summary>
    public static readonly DateTime MaxValue = new(DateTime.UnixEpoch.Ticks + (long.MaxValue / NanosecondsPerTick), DateTimeKind.Utc);

    /// <summary>Nanoseconds since the Unix epoch of <paramref name="value"/>; <see cref="DateTimeKind.Unspecified"/> is taken as UTC.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The time is outside <see cref="MinValue"/>..<see cref="MaxValue"/>.</exception>
    public static long FromDateTime(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        return FromUtcTicks(utc.Ticks);
    }

    /// <summary>Nanoseconds since the Unix epoch of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The time is outside <see cref="MinValue"/>..<see cref="MaxValue"/>.</exception>
    public static long FromDateTimeOffset(DateTimeOffset value) => FromUtcTicks(value.UtcTicks);

    /// <summary>The UTC time of <paramref name="nanoseconds"/> since the Unix epoch, rounded down to a 100 ns tick.</summary>
    public static DateTime ToDateTime(long nanoseconds) =>
        new(DateTime.UnixEpoch.Ticks + nanoseconds / NanosecondsPerTick - (nanoseconds % NanosecondsPerTick < 0 ? 1 : 0), DateTimeKind.Utc);

    /// <summary>The UTC time of <paramref name="nanoseconds"/> since the Unix epoch, truncated to 100 ns ticks.</summary>
    public static DateTimeOffset ToDateTimeOffset(long nanoseconds) => new(ToDateTime(nanoseconds));

    private static long FromUtcTicks(long utcTicks)
    {
        var ticks = utcTicks - DateTime.UnixEpoch.Ticks;
        if (ticks > long.MaxValue / NanosecondsPerTick || ticks < long.MinValue / NanosecondsPerTick)
        {
            throw new ArgumentOutOfRangeException(
                nameof(utcTicks),
                $"{new DateTime(utcTicks, DateTimeKind.Utc):O} cannot be a timestamp: timestamps are int64 nanoseconds since the Unix epoch, from {MinValue:O} to {MaxValue:O}.");
        }

        return ticks * NanosecondsPerTick;
    }
}
