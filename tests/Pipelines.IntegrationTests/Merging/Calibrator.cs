using Pipelines.IntegrationTests.Kafka;

namespace Pipelines.IntegrationTests.Merging;

/// <summary>A sensor's calibration: the offset to add to its readings from now on.</summary>
[Topic("calibrations")]
public partial class Calibration
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public double Offset { get; set; }
}

[Topic("calibrated")]
public partial class Calibrated
{
    [Timestamp] public long Time { get; set; }
    [Tag] public string Sensor { get; set; } = "";
    [Parameter] public string Kind { get; set; } = "";
    [Parameter] public double Value { get; set; }

    /// <summary>How many calibrations the sensor's state had applied when this row was written.</summary>
    [Parameter] public int Calibrations { get; set; }
}

[MessageContract]
public partial record struct SensorCalibration
{
    [Parameter] public double Offset { get; init; }
    [Parameter] public int Calibrations { get; init; }
}

/// <summary>Two inputs, one keyed state, generated: calibrations set a sensor's offset, readings come out with it added.</summary>
[Processor]
public partial class Calibrator
{
    public Calibrated Handle(Calibration calibration, State<SensorCalibration> state)
    {
        var now = state.GetValueOrDefault(default);
        state.Value = now = new SensorCalibration { Offset = calibration.Offset, Calibrations = now.Calibrations + 1 };
        return new Calibrated { Time = calibration.Time, Sensor = calibration.Sensor, Kind = "calibration", Value = calibration.Offset, Calibrations = now.Calibrations };
    }

    public Calibrated Handle(Reading row, State<SensorCalibration> state)
    {
        var now = state.GetValueOrDefault(default);
        return new Calibrated { Time = row.Time, Sensor = row.Sensor, Kind = "reading", Value = row.Value + now.Offset, Calibrations = now.Calibrations };
    }
}
