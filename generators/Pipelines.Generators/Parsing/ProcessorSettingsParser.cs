using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Analyzers;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Reads the runtime settings a <c>[Processor]</c> attribute sets and checks each against the range the runtime
/// accepts (ProcessorOptions.Validate), so a bad value is an error on its argument instead of a failed start-up.
/// </summary>
internal static class ProcessorSettingsParser
{
    public static EquatableArray<SettingModel> Parse(INamedTypeSymbol type, AttributeData attribute, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var settings = new List<SettingModel>();
        foreach (var argument in attribute.NamedArguments)
        {
            var name = argument.Key;
            var value = argument.Value;
            string? expression;
            string? problem = null;
            switch (name)
            {
                case "MaxRetries":
                    expression = Integer(value, 0, ref problem);
                    break;
                case "CommitEvery":
                case "MaxBatchSize":
                    expression = Integer(value, 1, ref problem);
                    break;
                case "MaxMessageBytes":
                    expression = Integer(value, 4096, ref problem);
                    break;
                case "RetryBackoff":
                case "MaxInputWait":
                    expression = Duration(value, allowZero: true, ref problem);
                    break;
                case "StreamIdleTimeout":
                case "StateTimeToLive":
                case "SplitTimeout":
                case "CommitInterval":
                    expression = Duration(value, allowZero: false, ref problem);
                    break;
                case "OnFailure":
                case "Compression":
                case "StateTimeToLiveClock":
                    expression = AttributeArguments.EnumMember(value, ref problem);
                    break;
                case "LowLatency":
                    expression = value.Value is true ? "true" : "false";
                    break;
                case "GroupId":
                    expression = null;
                    if (value.Value is not string group || group.Trim().Length == 0)
                    {
                        problem = "is empty; omit it to use the class name in kebab-case, or name a consumer group";
                    }

                    break;
                default:
                    continue; // topics are checked as topic names
            }

            if (problem is not null)
            {
                diagnostics.Report(DiagnosticDescriptors.SettingOutOfRange, AttributeArguments.Location(attribute, name, type, cancellationToken), name, type.Name, problem);
            }
            else if (expression is not null)
            {
                settings.Add(new SettingModel(name, expression));
            }
        }

        return settings.ToEquatableArray();
    }

    private static string? Integer(TypedConstant value, int minimum, ref string? problem)
    {
        if (value.Value is int number && number >= minimum)
        {
            return number.ToString(CultureInfo.InvariantCulture);
        }

        problem = $"is {value.Value}; it must be {minimum} or more";
        return null;
    }

    /// <summary>The ticks of a time span <see cref="Duration"/> accepted.</summary>
    internal static long Ticks(TypedConstant value) => TimeSpan.Parse((string)value.Value!, CultureInfo.InvariantCulture).Ticks;

    internal static string? Duration(TypedConstant value, bool allowZero, ref string? problem)
    {
        if (value.Value is string text && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && (span > TimeSpan.Zero || (allowZero && span == TimeSpan.Zero)))
        {
            return $"global::System.TimeSpan.FromTicks({span.Ticks.ToString(CultureInfo.InvariantCulture)}) /* {text} */";
        }

        problem = $"is \"{value.Value}\"; it must be {(allowZero ? "a time span that is not negative" : "a positive time span")}, such as \"00:00:05\" (hh:mm:ss) or \"00:00:00.250\"";
        return null;
    }
}
