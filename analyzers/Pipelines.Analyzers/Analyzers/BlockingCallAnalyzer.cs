using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Pipelines.Generators.Parsing;

namespace Pipelines.Analyzers;

/// <summary>
/// Warns when a processor's asynchronous handler blocks on a task (<c>.Result</c>, <c>.Wait()</c>,
/// <c>.GetAwaiter().GetResult()</c>) or sleeps (<c>Thread.Sleep</c>): the runner awaits the handler on its
/// loop, so a blocked thread stalls the processor and can deadlock under a synchronization context.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property set on each diagnostic: what the code fix should write instead.</summary>
    internal const string FixKey = "Fix";

    /// <summary><see cref="FixKey"/>: await the receiver.</summary>
    internal const string AwaitReceiver = "AwaitReceiver";

    /// <summary><see cref="FixKey"/>: await <c>Task.Delay</c> with the same argument.</summary>
    internal const string AwaitDelay = "AwaitDelay";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.BlockingCall];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var processorAttribute = start.Compilation.GetTypeByMetadataName(KnownNames.ProcessorAttribute);
            if (processorAttribute is null)
            {
                return;
            }

            var known = new KnownTypes(start.Compilation);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, processorAttribute, known), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeResult(c, processorAttribute, known), OperationKind.PropertyReference);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, INamedTypeSymbol processorAttribute, KnownTypes known)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var containingType = method.ContainingType?.OriginalDefinition;
        string? blocking = null;
        string? fix = null;
        if (method.Name is "Wait" or "WaitAll" or "WaitAny" && known.IsTask(containingType))
        {
            blocking = $"{method.ContainingType!.Name}.{method.Name}()";
            fix = method.Name == "Wait" && invocation.Instance is not null ? AwaitReceiver : null;
        }
        else if (method.Name == "GetResult" && known.IsAwaiter(containingType))
        {
            blocking = "GetAwaiter().GetResult()";
            fix = invocation.Instance is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: not null } ? AwaitReceiver : null;
        }
        else if (method.Name == "Sleep" && SymbolEqualityComparer.Default.Equals(containingType, known.Thread))
        {
            blocking = "Thread.Sleep";
            fix = AwaitDelay;
        }

        if (blocking is not null)
        {
            Report(context, processorAttribute, blocking, fix);
        }
    }

    private static void AnalyzeResult(OperationAnalysisContext context, INamedTypeSymbol processorAttribute, KnownTypes known)
    {
        var reference = (IPropertyReferenceOperation)context.Operation;
        if (reference.Property.Name == "Result" && reference.Instance is not null && known.IsTask(reference.Property.ContainingType?.OriginalDefinition) && !AwaitedBefore(reference))
        {
            Report(context, processorAttribute, $"{reference.Property.ContainingType!.Name}<{((INamedTypeSymbol)reference.Property.ContainingType).TypeArguments[0].Name}>.Result", AwaitReceiver);
        }
    }

    private static void Report(OperationAnalysisContext context, INamedTypeSymbol processorAttribute, string blocking, string? fix)
    {
        if (context.ContainingSymbol is not IMethodSymbol { Name: "Handle", IsStatic: false } handler ||
            !Attributes.Has(handler.ContainingType, processorAttribute) ||
            !IsAsynchronous(handler) ||
            InsideNestedFunction(context.Operation))
        {
            return;
        }

        var advice = fix == AwaitDelay ? "use 'await Task.Delay(...)' instead" : "use 'await' instead";
        var properties = fix is null ? ImmutableDictionary<string, string?>.Empty : ImmutableDictionary<string, string?>.Empty.Add(FixKey, fix);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingCall, context.Operation.Syntax.GetLocation(), properties, blocking, handler.ContainingType.Name + "." + handler.Name, advice));
    }

    /// <summary>
    /// Whether the task whose result is read is a local or parameter already awaited earlier in the method
    /// (<c>await task;</c> or <c>await Task.WhenAll(a, b);</c>): its result is then ready and reading it does not block.
    /// </summary>
    private static bool AwaitedBefore(IPropertyReferenceOperation reference)
    {
        var variable = reference.Instance switch
        {
            ILocalReferenceOperation local => (ISymbol)local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        if (variable is null)
        {
            return false;
        }

        var root = reference as IOperation;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        foreach (var awaited in root.Descendants())
        {
            if (awaited is IAwaitOperation && awaited.Syntax.SpanStart < reference.Syntax.SpanStart)
            {
                foreach (var inner in awaited.DescendantsAndSelf())
                {
                    var referenced = inner switch
                    {
                        ILocalReferenceOperation local => (ISymbol)local.Local,
                        IParameterReferenceOperation parameter => parameter.Parameter,
                        _ => null,
                    };
                    if (SymbolEqualityComparer.Default.Equals(referenced, variable))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool IsAsynchronous(IMethodSymbol handler) =>
        handler.IsAsync || handler.ReturnType.OriginalDefinition.ToDisplayString() is "System.Threading.Tasks.Task" or "System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask" or "System.Threading.Tasks.ValueTask<TResult>";

    // Code in a lambda or local function runs when that is called, maybe on another thread (Task.Run); not the handler's business.
    private static bool InsideNestedFunction(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class KnownTypes(Compilation compilation)
    {
        private readonly INamedTypeSymbol? task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        private readonly INamedTypeSymbol? taskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        private readonly INamedTypeSymbol? valueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        private readonly ImmutableArray<INamedTypeSymbol?> awaiters =
        [
            compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.TaskAwaiter"),
            compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.TaskAwaiter`1"),
            compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ValueTaskAwaiter"),
            compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ValueTaskAwaiter`1"),
            compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter"),
            compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter"),
        ];

        public INamedTypeSymbol? Thread { get; } = compilation.GetTypeByMetadataName("System.Threading.Thread");

        public bool IsTask(INamedTypeSymbol? type) =>
            type is not null && (SymbolEqualityComparer.Default.Equals(type, task) || SymbolEqualityComparer.Default.Equals(type, taskOfT) || SymbolEqualityComparer.Default.Equals(type, valueTaskOfT));

        public bool IsAwaiter(INamedTypeSymbol? type)
        {
            foreach (var awaiter in awaiters)
            {
                if (SymbolEqualityComparer.Default.Equals(type, awaiter))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
