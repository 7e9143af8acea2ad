using Microsoft.CodeAnalysis;

namespace Pipelines.Analyzers;

/// <summary>Attribute lookups by symbol, resolved once per compilation, rather than by comparing display strings.</summary>
internal static class Attributes
{
    public static bool Has(ISymbol symbol, INamedTypeSymbol? attribute) =>
        attribute is not null && Find(symbol, attribute) is not null;

    public static AttributeData? Find(ISymbol symbol, INamedTypeSymbol attribute)
    {
        foreach (var data in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
            {
                return data;
            }
        }

        return null;
    }
}
