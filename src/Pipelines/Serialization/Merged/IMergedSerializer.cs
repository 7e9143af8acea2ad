namespace Pipelines.Infrastructure;

/// <summary>
/// The serializer of a processor's merged input (<see cref="Merged{T1, T2}"/>): a row is read with the contract of the
/// topic it came from, which a message's bytes alone do not tell, so the reader says which input it is.
/// </summary>
internal interface IMergedSerializer<T>
{
    /// <summary>How many inputs are merged.</summary>
    int Inputs { get; }

    /// <summary>The topic format of input <paramref name="input"/>, reading its rows wrapped in the merged row.</summary>
    ContractFormat<T> FormatOf(int input, Confluent.SchemaRegistry.ISchemaRegistryClient? registry, Confluent.SchemaRegistry.SubjectNameStrategy subjects);

    /// <summary>The contract's schema of input <paramref name="input"/>.</summary>
    MessageSchema SchemaOf(int input);
}
