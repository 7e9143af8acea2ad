namespace Pipelines.Generators.Model;

/// <summary>Everything the emitter needs to write one contract's serializer.</summary>
/// <param name="Namespace">The namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first, each re-declared as partial around the contract.</param>
/// <param name="Declaration">The contract's own declaration keywords and name, for example <c>record struct Row</c>.</param>
/// <param name="FullyQualifiedName">The type as generated code spells it, with <c>global::</c>.</param>
/// <param name="SchemaName">The name recorded in the schema, without <c>global::</c>.</param>
/// <param name="Topic">The topic of a <c>[Topic]</c> type, else <see langword="null"/>.</param>
/// <param name="Format">The topic's <c>TopicFormat</c> member, fully qualified, when not the default MessagePack.</param>
/// <param name="AvroSchema">The contract's Avro schema as JSON, or <see langword="null"/> when a name in it is not an Avro name.</param>
/// <param name="JsonSchema">The JSON Schema of the contract's JSON form.</param>
/// <param name="Members">Serialized members in declaration order.</param>
/// <param name="Construction">How a row is built when read.</param>
/// <param name="HintName">The generated file's name.</param>
internal sealed record ContractModel(
    string Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string Declaration,
    string FullyQualifiedName,
    string SchemaName,
    string? Topic,
    string? Format,
    string? AvroSchema,
    string JsonSchema,
    EquatableArray<MemberModel> Members,
    ConstructionModel Construction,
    string HintName);

/// <summary>An enclosing type: <c>partial {Declaration}</c>.</summary>
internal sealed record ContainingTypeModel(string Declaration);

/// <summary>One serialized member.</summary>
/// <param name="Name">The member's C# name, escaped if it is a keyword.</param>
/// <param name="WireName">The key written on the wire.</param>
/// <param name="Kind">What the member is in a row: a parameter, a tag or the timestamp.</param>
/// <param name="TypeName">The member's type, fully qualified.</param>
/// <param name="Codec">The codec type that writes and reads it, fully qualified.</param>
/// <param name="Assignment">How a read value is stored.</param>
/// <param name="Clock">For the timestamp, the type it is held in, which decides its conversion to Unix nanoseconds.</param>
internal sealed record MemberModel(string Name, string WireName, FieldKind Kind, string TypeName, string Codec, MemberAssignment Assignment, TimestampClock Clock)
{
    /// <summary>The local that holds the member's value while a row is constructed.</summary>
    public string Local => "_" + Name.TrimStart('@');
}

/// <summary>What a member is in a row; the names are those of the runtime's <c>Pipelines.Infrastructure.FieldKind</c>.</summary>
internal enum FieldKind
{
    /// <summary>A measured value.</summary>
    Parameter,

    /// <summary>A value that names the stream; part of the stream key.</summary>
    Tag,

    /// <summary>The row's time.</summary>
    Timestamp,
}

/// <summary>The type a timestamp member is held in.</summary>
internal enum TimestampClock
{
    /// <summary>The member is not the timestamp.</summary>
    None,

    /// <summary>A <c>long</c> of nanoseconds since the Unix epoch: used as it is.</summary>
    UnixNanoseconds,

    /// <summary>A <c>DateTime</c>.</summary>
    DateTime,

    /// <summary>A <c>DateTimeOffset</c>.</summary>
    DateTimeOffset,
}

/// <summary>How a read value reaches its member.</summary>
internal enum MemberAssignment
{
    /// <summary>A settable property or field: assigned after construction.</summary>
    Settable,

    /// <summary>An init-only or required member: assigned in the object initializer.</summary>
    Initializer,

    /// <summary>Passed to the constructor.</summary>
    Constructor,
}

/// <summary>How a row is constructed.</summary>
/// <param name="Mutable">True when the row is created with <c>new T()</c> and every member is assigned as it is read.</param>
/// <param name="ConstructorArguments">Otherwise, the members passed to the constructor, in parameter order.</param>
internal sealed record ConstructionModel(bool Mutable, EquatableArray<string> ConstructorArguments);
