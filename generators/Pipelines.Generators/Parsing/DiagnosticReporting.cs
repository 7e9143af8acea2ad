using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// How parsers record a problem. The analyzers report what the parsers record; the generator only counts it, to
/// emit nothing for a type with errors, so no diagnostic is reported twice.
/// </summary>
internal static class DiagnosticReporting
{
    public static void Report(this List<Diagnostic> diagnostics, DiagnosticDescriptor descriptor, ISymbol? symbol, params object[] arguments) =>
        diagnostics.Add(Diagnostic.Create(descriptor, symbol?.Locations.FirstOrDefaultInSource(), arguments));

    public static void Report(this List<Diagnostic> diagnostics, DiagnosticDescriptor descriptor, Location? location, params object[] arguments) =>
        diagnostics.Add(Diagnostic.Create(descriptor, location, arguments));

    public static Location? FirstOrDefaultInSource(this ImmutableArray<Location> locations)
    {
        foreach (var location in locations)
        {
            if (location.IsInSource)
            {
                return location;
            }
        }

        return null;
    }
}
