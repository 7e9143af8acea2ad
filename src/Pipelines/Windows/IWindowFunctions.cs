using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>
/// What a windowed processor does with its windows' accumulators; the generator implements it on every processor with
/// a <see cref="WindowAttribute"/>, adapting its <c>Aggregate</c>, <c>Merge</c> and <c>Emit</c> methods (or
/// <see cref="WindowStats"/>). For use by generated code; not intended to be called directly.
/// </summary>
/// <typeparam name="TIn">The input contract.</typeparam>
/// <typeparam name="TAcc">What a window keeps.</typeparam>
/// <typeparam name="TOut">What a window's result is.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IWindowFunctions<TIn, TAcc, TOut>
{
    /// <summary>The accumulator of a window before its first row.</summary>
    TAcc Empty();

    /// <summary>The accumulator with <paramref name="row"/> added; must not change <paramref name="accumulator"/> in place.</summary>
    TAcc Aggregate(TAcc accumulator, TIn row);

    /// <summary>
    /// The accumulator of two windows' rows together, the earlier first: session windows that one row joins, and the
    /// timestamps a sliding window spans. Only those kinds call it.
    /// </summary>
    TAcc Merge(TAcc left, TAcc right) => throw new NotSupportedException($"{GetType().FullName} declares no Merge; only session and sliding windows merge.");

    /// <summary>The window's result, or <see langword="null"/> to write nothing.</summary>
    TOut? Emit(WindowInfo window, TAcc accumulator);
}
