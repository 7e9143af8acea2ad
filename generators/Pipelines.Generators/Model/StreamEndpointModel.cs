namespace Pipelines.Generators.Model;

/// <summary>A <c>[Topic]</c> contract the generated <c>MapStreamWriters</c> and <c>MapStreamReaders</c> map.</summary>
/// <param name="FullyQualifiedName">The contract as generated code spells it, with <c>global::</c>.</param>
/// <param name="Topic">Its topic: the path segment of its endpoints.</param>
internal sealed record StreamEndpointModel(string FullyQualifiedName, string Topic);
