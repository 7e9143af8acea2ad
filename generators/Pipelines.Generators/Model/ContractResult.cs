using Pipelines.Generators.Diagnostics;

namespace Pipelines.Generators.Model;

/// <summary>The parser's answer for one annotated type: a model to emit, or the diagnostics that prevent it.</summary>
internal sealed record ContractResult(ContractModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
