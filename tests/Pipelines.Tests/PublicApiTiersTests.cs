using System.ComponentModel;
using System.Reflection;

namespace Pipelines.Tests;

/// <summary>
/// The public surface in its tiers (DEVELOPERS.md, "Public API"): what users write against, what only generated
/// code calls, and nothing else. PublicAPI.Unshipped.txt pins each member; this pins the tiers.
/// </summary>
public class PublicApiTiersTests
{
    private const string GeneratedCodeSupport = "Pipelines.Infrastructure";

    private static readonly Type[] Exported = typeof(MessageSerializer).Assembly.GetExportedTypes().Where(t => !t.IsNested).ToArray();

    [Fact]
    public void Every_type_for_generated_code_is_hidden_from_completion_and_says_it_is_not_for_direct_use()
    {
        var support = Exported.Where(t => t.Namespace == GeneratedCodeSupport).ToList();

        Assert.NotEmpty(support);
        Assert.All(support, type => Assert.True(IsHidden(type), $"{type} lacks [EditorBrowsable(EditorBrowsableState.Never)]."));
    }

    [Fact]
    public void No_user_facing_type_is_hidden()
    {
        Assert.All(Exported.Where(t => t.Namespace != GeneratedCodeSupport), type => Assert.False(IsHidden(type), $"{type} is hidden but outside {GeneratedCodeSupport}."));
    }

    [Theory]
    [InlineData("Pipelines.Processing.ProcessorRunner`2")]
    [InlineData("Pipelines.Hosting.PipelinesSettings")]
    [InlineData("Pipelines.Processing.OffsetTracker")]
    [InlineData("Pipelines.Processing.OffsetCommitter")]
    [InlineData("Pipelines.Processing.ProcessorCalls`2")]
    public void The_runner_its_parts_and_the_settings_reader_are_internal(string name)
    {
        var type = typeof(MessageSerializer).Assembly.GetType(name);

        Assert.NotNull(type);
        Assert.False(type.IsPublic, $"{name} is public.");
    }

    [Fact]
    public void Stream_context_lives_beside_stream_info() =>
        Assert.Equal(typeof(StreamInfo).Namespace, typeof(StreamContext).Namespace);

    private static bool IsHidden(Type type) =>
        type.GetCustomAttribute<EditorBrowsableAttribute>() is { State: EditorBrowsableState.Never };
}
