using System.ComponentModel;
using Pipelines.Infrastructure;

namespace Pipelines.Infrastructure;

/// <summary>One field of a <see cref="MessageSchema"/>. For use by generated code; not intended to be called directly.</summary>
/// <param name="Name">The wire name.</param>
/// <param name="Member">The C# member it is bound to.</param>
/// <param name="Kind">Timestamp, tag or parameter.</param>
/// <param name="ClrType">The member's type.</param>
/// <param name="WireType">The MessagePack shape, for example <c>float64</c>, <c>string</c>, <c>array&lt;int32&gt;</c>; <c>?</c> marks nil as allowed.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record FieldSchema(string Name, string Member, FieldKind Kind, Type ClrType, string WireType)
{
    /// <summary>What the field is as a table column.</summary>
    public ColumnType Column { get; init; }

    /// <summary>Whether the field may hold null (a <c>Nullable&lt;T&gt;</c>, or a reference type that may be null): its column allows NULL.</summary>
    public bool IsNullable { get; init; }

    /// <summary>Describes a field written by <typeparamref name="TCodec"/>.</summary>
    public static FieldSchema Of<T, TCodec>(string name, string member, FieldKind kind)
        where TCodec : IValueCodec<T> =>
        new(name, member, kind, typeof(T), TCodec.WireType)
        {
            Column = TCodec.Column,
            IsNullable = Nullable.GetUnderlyingType(typeof(T)) is not null || (typeof(TCodec).IsGenericType && typeof(TCodec).GetGenericTypeDefinition() == typeof(MaybeNullCodec<,>)),
        };
}
