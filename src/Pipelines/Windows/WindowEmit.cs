namespace Pipelines;

/// <summary>When a window's result is written (<see cref="WindowAttribute.Emit"/>).</summary>
public enum WindowEmit
{
    /// <summary>Once per window and key, when the window closes: its final result.</summary>
    OnClose,

    /// <summary>After every row the window takes: its result so far. Nothing more is written when it closes.</summary>
    OnUpdate,
}
