namespace Pipelines.Generators.Parsing;

/// <summary>Metadata names of the runtime types the generator recognises or emits.</summary>
internal static class KnownNames
{
    public const string TopicAttribute = "Pipelines.TopicAttribute";

    /// <summary>The Avro member of <c>TopicFormat</c> as the parser writes a format (fully qualified).</summary>
    public const string AvroFormat = "global::Pipelines.TopicFormat.Avro";
    public const string MessageContractAttribute = "Pipelines.MessageContractAttribute";
    public const string TimestampAttribute = "Pipelines.TimestampAttribute";
    public const string TagAttribute = "Pipelines.TagAttribute";
    public const string ParameterAttribute = "Pipelines.ParameterAttribute";
    public const string ProcessorAttribute = "Pipelines.ProcessorAttribute";
    public const string SinkAttribute = "Pipelines.SinkAttribute`1";
    public const string SinkInterface = "Pipelines.Sinks.ISink`1";

    /// <summary>Present when the project references Pipelines.Http: then its contracts' HTTP endpoints are generated.</summary>
    public const string StreamWriterEndpoints = "Pipelines.Http.StreamWriterEndpoints";
    public const string BufferAttribute = "Pipelines.BufferAttribute";
    public const string StreamContext = "Pipelines.StreamContext";
    public const string StreamEvent = "Pipelines.StreamEvent";
    public const string StreamInfo = "Pipelines.StreamInfo";
    public const string StreamEnd = "Pipelines.StreamEnd";
    public const string MessageContractInterface = "Pipelines.IMessageContract`1";
    public const string StateOfT = "Pipelines.State`1";
    public const string GlobalTableOfT = "Pipelines.GlobalTable`1";
    public const string TableOfT = "Pipelines.Table`1";
    public const string WindowAttribute = "Pipelines.WindowAttribute";
    public const string JoinAttribute = "Pipelines.JoinAttribute";
    public const string WindowInfo = "Pipelines.WindowInfo";
    public const string WindowStats = "Pipelines.WindowStats";

    /// <summary>The namespace of everything generated code calls (codecs, reader, writer, schemas, processor plumbing), qualified for emitting.</summary>
    public const string Infrastructure = "global::Pipelines.Infrastructure.";
}
