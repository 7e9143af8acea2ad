namespace Pipelines.Infrastructure;

/// <summary>Times as columns hold UTC: a local <see cref="DateTime"/> is converted, an unspecified one taken as UTC (as the JSON form does).</summary>
internal static class ColumnTimes
{
    public static DateTimeOffset Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero),
    };
}
