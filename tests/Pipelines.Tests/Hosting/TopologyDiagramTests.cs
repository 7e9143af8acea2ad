using Pipelines.Hosting;

namespace Pipelines.Tests.Hosting;

public class TopologyDiagramTests
{
    [Fact]
    public void Topics_shared_by_processors_are_one_node_and_each_edge_says_what_flows()
    {
        var mermaid = TopologyDiagram.Mermaid(
        [
            new("Enricher", "car-telemetry", "enriched", "car-telemetry.dlq", "enricher.state.changelog"),
            new("Printer", "enriched", null, null, null),
            new("Auditor", "car-telemetry", "car_telemetry", null, null), // '.', '-' and '_' must not merge two topics
        ]);

        Assert.Equal(
            """
            flowchart LR
                p0["Enricher"]
                t0[("car-telemetry")]
                t1[("enriched")]
                t2[("car-telemetry.dlq")]
                t3[("enricher.state.changelog")]
                p1["Printer"]
                p2["Auditor"]
                t4[("car_telemetry")]
                t0 --> p0
                p0 --> t1
                p0 -.->|dead letters| t2
                p0 -.-|state| t3
                t1 --> p1
                t0 --> p2
                p2 --> t4

            """.ReplaceLineEndings("\n"),
            mermaid);
    }
}
