using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Routing;

namespace Pipelines.Http;

/// <summary>
/// Endpoint names (OpenAPI operation ids) that stay unique when a contract is mapped more than once (two paths, two
/// versions): the first mapping's endpoints are <c>WriteReadingRows</c>, the next ones' <c>WriteReadingRows2</c>, and so on.
/// ASP.NET Core refuses to route at all when two endpoints share a name.
/// </summary>
internal static class EndpointNames
{
    private static readonly ConditionalWeakTable<IServiceProvider, HashSet<string>> Taken = [];

    public static string Unique(IEndpointRouteBuilder endpoints, string name)
    {
        var taken = Taken.GetOrCreateValue(endpoints.ServiceProvider);
        lock (taken)
        {
            var unique = name;
            for (var n = 2; !taken.Add(unique); n++)
            {
                unique = name + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return unique;
        }
    }
}
