namespace Pipelines.Generators.Model;

/// <summary>Everything the emitter needs to declare one <c>[Sink]</c> class.</summary>
/// <param name="Namespace">The namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first.</param>
/// <param name="Declaration">The class's declaration keywords and name.</param>
/// <param name="FullyQualifiedName">The sink class with <c>global::</c>.</param>
/// <param name="Name">The sink's name (its class name).</param>
/// <param name="GroupId">The consumer group.</param>
/// <param name="ContractType">The contract written, fully qualified.</param>
/// <param name="Topic">Its topic.</param>
/// <param name="Target">The <c>SinkTarget</c> member, fully qualified, or <see langword="null"/> when the class is the sink.</param>
/// <param name="Table">The table, for a table target.</param>
/// <param name="ConnectionString">The connection string the attribute gives, if any.</param>
/// <param name="Directory">The directory, for Parquet.</param>
/// <param name="Write">The <c>TableWrite</c> member, fully qualified, when the attribute sets one.</param>
/// <param name="CreateTable">Whether a missing table is created.</param>
/// <param name="HintName">The generated file's name.</param>
internal sealed record SinkModel(
    string Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string Declaration,
    string FullyQualifiedName,
    string Name,
    string GroupId,
    string ContractType,
    string Topic,
    string? Target,
    string? Table,
    string? ConnectionString,
    string? Directory,
    string? Write,
    bool CreateTable,
    string HintName);
