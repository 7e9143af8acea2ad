namespace Pipelines.IntegrationTests.Formats;

/// <summary>A note from the pit wall, posted as plain JSON by a service that knows nothing of Pipelines.</summary>
[Topic("pit-notes", Format = TopicFormat.Json)]
public partial class PitNote
{
    [Tag("car")] public string Car { get; set; } = "";
    [Parameter("text")] public string Text { get; set; } = "";
    [Parameter("lap")] public int Lap { get; set; }
}

[Topic("pit-notes-loud", Format = TopicFormat.Json)]
public partial class LoudNote
{
    [Tag("car")] public string Car { get; set; } = "";
    [Parameter("text")] public string Text { get; set; } = "";
    [Parameter("lap")] public int Lap { get; set; }
}

/// <summary>A note with a time: in the message when its writer puts one there, else the message's Kafka timestamp.</summary>
[Topic("timed-notes", Format = TopicFormat.Json)]
public partial class TimedNote
{
    [Timestamp("at")] public DateTimeOffset At { get; set; }
    [Tag("car")] public string Car { get; set; } = "";
    [Parameter("text")] public string Text { get; set; } = "";
}
