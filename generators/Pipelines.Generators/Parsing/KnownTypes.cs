using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// The types the parsers recognise, resolved once per compilation and compared as symbols, so a user's type that
/// happens to share a name (a <c>StreamContext</c> of their own, say) is never taken for the runtime's.
/// </summary>
internal sealed class KnownTypes
{
    private static readonly ConditionalWeakTable<Compilation, KnownTypes> Cache = new();

    private KnownTypes(Compilation compilation)
    {
        TopicAttribute = Runtime(compilation, KnownNames.TopicAttribute);
        MessageContractAttribute = Runtime(compilation, KnownNames.MessageContractAttribute);
        TimestampAttribute = Runtime(compilation, KnownNames.TimestampAttribute);
        TagAttribute = Runtime(compilation, KnownNames.TagAttribute);
        ParameterAttribute = Runtime(compilation, KnownNames.ParameterAttribute);
        BufferAttribute = Runtime(compilation, KnownNames.BufferAttribute);
        StreamContext = Runtime(compilation, KnownNames.StreamContext);
        StreamEvent = Runtime(compilation, KnownNames.StreamEvent);
        StreamInfo = Runtime(compilation, KnownNames.StreamInfo);
        StreamEnd = Runtime(compilation, KnownNames.StreamEnd);
        MessageContract = Runtime(compilation, KnownNames.MessageContractInterface);
        StateOfT = Runtime(compilation, KnownNames.StateOfT);
        GlobalTableOfT = Runtime(compilation, KnownNames.GlobalTableOfT);
        TableOfT = Runtime(compilation, KnownNames.TableOfT);
        WindowAttribute = Runtime(compilation, KnownNames.WindowAttribute);
        JoinAttribute = Runtime(compilation, KnownNames.JoinAttribute);
        WindowInfo = Runtime(compilation, KnownNames.WindowInfo);
        WindowStats = Runtime(compilation, KnownNames.WindowStats);
        ProcessorAttribute = Runtime(compilation, KnownNames.ProcessorAttribute);
        SinkInterface = Runtime(compilation, KnownNames.SinkInterface);
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ReadOnlyListOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyList`1");
    }

    public INamedTypeSymbol? TopicAttribute { get; }

    public INamedTypeSymbol? MessageContractAttribute { get; }

    public INamedTypeSymbol? TimestampAttribute { get; }

    public INamedTypeSymbol? TagAttribute { get; }

    public INamedTypeSymbol? ParameterAttribute { get; }

    public INamedTypeSymbol? BufferAttribute { get; }

    public INamedTypeSymbol? StreamContext { get; }

    public INamedTypeSymbol? StreamEvent { get; }

    public INamedTypeSymbol? StreamInfo { get; }

    public INamedTypeSymbol? StreamEnd { get; }

    /// <summary><c>IMessageContract&lt;TSelf&gt;</c>, unbound.</summary>
    public INamedTypeSymbol? MessageContract { get; }

    /// <summary><c>State&lt;T&gt;</c>, unbound.</summary>
    public INamedTypeSymbol? StateOfT { get; }

    /// <summary><c>GlobalTable&lt;T&gt;</c>, unbound.</summary>
    public INamedTypeSymbol? GlobalTableOfT { get; }

    /// <summary><c>Table&lt;T&gt;</c> (a table partitioned with the input), unbound.</summary>
    public INamedTypeSymbol? TableOfT { get; }

    /// <summary>Whether <paramref name="type"/> is a <c>GlobalTable&lt;T&gt;</c> or a <c>Table&lt;T&gt;</c>.</summary>
    public bool IsTable(ITypeSymbol type) => Is(type, GlobalTableOfT) || Is(type, TableOfT);

    public INamedTypeSymbol? WindowAttribute { get; }

    public INamedTypeSymbol? JoinAttribute { get; }

    public INamedTypeSymbol? WindowInfo { get; }

    public INamedTypeSymbol? WindowStats { get; }

    public INamedTypeSymbol? ProcessorAttribute { get; }

    /// <summary><c>ISink&lt;T&gt;</c>, unbound.</summary>
    public INamedTypeSymbol? SinkInterface { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ReadOnlyListOfT { get; }

    /// <summary>The known types of <paramref name="compilation"/>, resolved on first use.</summary>
    public static KnownTypes For(Compilation compilation) => Cache.GetValue(compilation, static c => new KnownTypes(c));

    /// <summary>Whether <paramref name="type"/> is <paramref name="known"/> (for a generic type, its definition).</summary>
    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
        known is not null && type is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

    /// <summary>The first attribute of <paramref name="attribute"/>'s class on <paramref name="symbol"/>.</summary>
    public static AttributeData? Find(ISymbol symbol, INamedTypeSymbol? attribute) =>
        symbol.GetAttributes().FirstOrDefault(a => Is(a.AttributeClass, attribute));

    public static bool Has(ISymbol symbol, INamedTypeSymbol? attribute) => Find(symbol, attribute) is not null;

    /// <summary>Whether the contract's JSON form writes times as Unix milliseconds (<c>JsonTimes = JsonTimes.UnixMilliseconds</c> on its attribute).</summary>
    public bool WritesUnixMilliseconds(INamedTypeSymbol contract)
    {
        var attribute = Find(contract, TopicAttribute) ?? Find(contract, MessageContractAttribute);
        return attribute is not null && attribute.NamedArguments.Any(a => a.Key == "JsonTimes" && Equals(a.Value.Value, 1));
    }

    // The runtime's own: a name defined in more than one assembly makes GetTypeByMetadataName answer null.
    private static INamedTypeSymbol? Runtime(Compilation compilation, string name) =>
        compilation.GetTypesByMetadataName(name).FirstOrDefault(t => t.ContainingAssembly.Name == "Pipelines")
        ?? compilation.GetTypeByMetadataName(name);
}
