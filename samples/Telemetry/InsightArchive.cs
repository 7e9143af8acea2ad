using Pipelines;
using Pipelines.Sinks;

namespace Telemetry;

/// <summary>
/// Every insight into a table made from <see cref="CarInsight"/>'s members (created on first run), with the positions it
/// read to in the same transaction: exactly once, across crashes and restarts. SQLite beside the sample here;
/// <c>Pipelines:Sinks:InsightArchive:Target</c> and <c>ConnectionString</c> (or <c>--postgres "Host=…"</c>) move it to PostgreSQL.
/// </summary>
[Sink<CarInsight>(SinkTarget.Sqlite, Table = "car_insights", ConnectionString = "Data Source=car-insights.db")]
public partial class InsightArchive;
