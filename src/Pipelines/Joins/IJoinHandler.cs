using System.ComponentModel;

namespace Pipelines.Infrastructure;

/// <summary>
/// A joining processor's <c>Handle(TLeft left, TRight right)</c>, as the runtime calls it for each match (and, in a
/// left join, for each left row without one, with <see langword="default"/>). The generator implements it.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IJoinHandler<in TLeft, in TRight, TOut>
{
    /// <summary>The output of one match, or <see langword="null"/> for none.</summary>
    TOut? Join(TLeft left, TRight? right);
}
