using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Diagnostics;

/// <summary>A diagnostic held as plain values, so the incremental pipeline keeps no syntax tree alive.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, ISymbol? symbol, params string[] arguments) =>
        new(descriptor, LocationInfo.From(symbol), arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), [.. Arguments]);
}

/// <summary>A source location as plain values.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(ISymbol? symbol)
    {
        var location = symbol?.Locations.FirstOrDefaultInSource();
        return location?.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }

    public Location ToLocation() => Microsoft.CodeAnalysis.Location.Create(FilePath, Span, LineSpan);
}

internal static class LocationExtensions
{
    public static Location? FirstOrDefaultInSource(this System.Collections.Immutable.ImmutableArray<Location> locations)
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
