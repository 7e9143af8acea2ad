namespace Pipelines.Sinks;

/// <summary>
/// What a contract member is as a table column, whatever the database: each sink maps these to its own types
/// (README, "Sinks"). Every member type has one; a collection or nested contract is a JSON document.
/// </summary>
public enum ColumnType
{
    /// <summary><see cref="bool"/>.</summary>
    Boolean,

    /// <summary>The integral types but <see cref="ulong"/>, held as <see cref="long"/>.</summary>
    Integer,

    /// <summary><see cref="float"/> and <see cref="double"/>, held as <see cref="double"/>.</summary>
    Real,

    /// <summary><see cref="decimal"/> and <see cref="ulong"/> (which a signed 64-bit column cannot hold whole).</summary>
    Decimal,

    /// <summary>Strings, and enums by name.</summary>
    Text,

    /// <summary>A point in time in UTC: <see cref="DateTime"/>, <see cref="DateTimeOffset"/>, and a timestamp in nanoseconds.</summary>
    Time,

    /// <summary><see cref="TimeSpan"/>.</summary>
    Duration,

    /// <summary><see cref="Guid"/>.</summary>
    Uuid,

    /// <summary><c>byte[]</c> and <see cref="ReadOnlyMemory{T}"/> of bytes.</summary>
    Bytes,

    /// <summary>Arrays, lists and nested contracts, as the JSON their contract's JSON form writes.</summary>
    Json,
}
