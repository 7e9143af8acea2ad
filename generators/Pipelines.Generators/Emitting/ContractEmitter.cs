using System.Linq;
using System.Text;
using Pipelines.Generators.Model;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Emitting;

/// <summary>
/// Writes a contract's serializer: a nested class that implements <c>IMessageSerializer&lt;T&gt;</c> with one codec
/// call per member. Every decision was made by the parser; this only prints.
/// </summary>
internal static class ContractEmitter
{
    private const string Runtime = "global::Pipelines.";
    private const string Infrastructure = KnownNames.Infrastructure;
    private const string Reader = Infrastructure + "MessageReader";
    private const string Writer = Infrastructure + "MessageWriter";
    private const string SerializerClass = "PipelinesSerializer";
    private const string Json = "global::System.Text.Json.";

    public static string Emit(ContractModel model)
    {
        var w = new SourceWriter();
        var type = model.FullyQualifiedName;
        var scopes = w.OpenPartialType(model.Namespace, model.ContainingTypes, $"{model.Declaration} : {Runtime}IMessageContract<{type}>");
        w.Line($"static {Infrastructure}IMessageSerializer<{type}> {Runtime}IMessageContract<{type}>.Serializer => {SerializerClass}.Instance;");
        w.Line();
        w.Line($"[global::System.CodeDom.Compiler.GeneratedCode(\"Pipelines.Generators\", \"{typeof(ContractEmitter).Assembly.GetName().Version}\")]");
        w.Open($"private sealed class {SerializerClass} : {Infrastructure}IMessageSerializer<{type}>");
        w.Line($"public static readonly {SerializerClass} Instance = new();");
        w.Line();
        EmitSchema(w, model);
        w.Line();
        EmitStreamKey(w, model);
        w.Line();
        EmitTimestamp(w, model);
        w.Line();
        EmitWithTimestamp(w, model);
        w.Line();
        EmitWrite(w, model);
        w.Line();
        EmitRead(w, model);
        w.Line();
        EmitWritePacked(w, model);
        w.Line();
        EmitReadPacked(w, model);
        w.Line();
        EmitWriteJson(w, model);
        w.Line();
        EmitReadJson(w, model);
        w.Line();
        EmitWriteAvro(w, model);
        w.Line();
        EmitReadAvro(w, model);
        w.Line();
        EmitWriteColumns(w, model);
        w.Close();
        w.CloseScopes(scopes);
        return w.ToString();
    }

    private static void EmitSchema(SourceWriter w, ContractModel model)
    {
        var topic = model.Topic is null ? "null" : Literal(model.Topic);
        w.Line($"private static readonly {Infrastructure}MessageSchema schema = new(");
        w.Line($"    {Literal(model.SchemaName)},");
        w.Line($"    {topic},");
        w.Line("    [");
        foreach (var m in model.Members)
        {
            w.Line($"        {Infrastructure}FieldSchema.Of<{m.TypeName}, {m.Codec}>({Literal(m.WireName)}, {Literal(m.Name.TrimStart('@'))}, {Infrastructure}FieldKind.{m.Kind}),");
        }

        var format = model.Format is null ? "" : $", {model.Format}";
        var avro = model.AvroSchema is null ? "" : $",\n    avroSchema: {Literal(model.AvroSchema)}";
        w.Line($"    ]{format}{avro},");
        w.Line($"    jsonSchema: {Literal(model.JsonSchema)});");
        w.Line();
        w.Line($"public {Infrastructure}MessageSchema Schema => schema;");
    }

    private static void EmitStreamKey(SourceWriter w, ContractModel model)
    {
        var tags = model.Members.Where(m => m.Kind == FieldKind.Tag).Select(m => "value." + m.Name).ToList();
        var key = tags.Count == 0 ? "null" : $"{Infrastructure}StreamKeys.Format({string.Join(", ", tags)})";
        w.Line($"public byte[] StreamKey(in {model.FullyQualifiedName} value) => {key};");
    }

    private static void EmitTimestamp(SourceWriter w, ContractModel model)
    {
        var member = model.Members.FirstOrDefault(m => m.Kind == FieldKind.Timestamp);
        var nanoseconds = member?.Clock switch
        {
            null => "null",
            TimestampClock.DateTime => $"{Runtime}UnixNanoseconds.FromDateTime(value.{member.Name})",
            TimestampClock.DateTimeOffset => $"{Runtime}UnixNanoseconds.FromDateTimeOffset(value.{member.Name})",
            _ => $"value.{member.Name}",
        };
        w.Line($"public long? TimestampOf(in {model.FullyQualifiedName} value) => {nanoseconds};");
    }

    private static void EmitWithTimestamp(SourceWriter w, ContractModel model)
    {
        var type = model.FullyQualifiedName;
        var member = model.Members.FirstOrDefault(m => m.Kind == FieldKind.Timestamp);
        if (member is null)
        {
            w.Line($"public {type} WithTimestamp(in {type} value, long nanoseconds) => value;");
            return;
        }

        var time = member.Clock switch
        {
            TimestampClock.DateTime => $"{Runtime}UnixNanoseconds.ToDateTime(nanoseconds)",
            TimestampClock.DateTimeOffset => $"{Runtime}UnixNanoseconds.ToDateTimeOffset(nanoseconds)",
            _ => "nanoseconds",
        };
        w.Open($"public {type} WithTimestamp(in {type} value, long nanoseconds)");
        if (model.Construction.Mutable)
        {
            w.Line("var copy = value;");
            w.Line($"copy.{member.Name} = {time};");
            w.Line("return copy;");
        }
        else
        {
            foreach (var m in model.Members)
            {
                w.Line(m == member ? $"var {m.Local} = {time};" : $"var {m.Local} = value.{m.Name};");
            }

            w.Line($"return {Construct(model)};");
        }

        w.Close();
    }

    private static void EmitWrite(SourceWriter w, ContractModel model)
    {
        w.Open($"public void Write(ref {Writer} writer, in {model.FullyQualifiedName} value)");
        w.Line($"writer.WriteMapHeader({model.Members.Count});");
        foreach (var m in model.Members)
        {
            w.Line($"writer.WriteKey({Utf8(m.WireName)});");
            w.Line($"{m.Codec}.Write(ref writer, value.{m.Name});");
        }

        w.Close();
    }

    private static void EmitRead(SourceWriter w, ContractModel model)
    {
        var mutable = model.Construction.Mutable;
        w.Open($"public {model.FullyQualifiedName} Read(ref {Reader} reader)");
        w.Line("var field = -1;");
        w.Open("try");
        if (mutable)
        {
            w.Line($"var value = new {model.FullyQualifiedName}();");
        }
        else
        {
            foreach (var m in model.Members)
            {
                w.Line($"var {m.Local} = default({m.TypeName});");
            }
        }

        w.Open("for (var remaining = reader.ReadMapHeader(); remaining > 0; remaining--)");
        w.Line("field = -1;");
        EmitKeySwitch(w, model, (m, index) =>
        {
            w.Line($"field = {index};");
            w.Line(mutable
                ? $"value.{m.Name} = {m.Codec}.Read(ref reader);"
                : $"{m.Local} = {m.Codec}.Read(ref reader);");
        });
        w.Line("reader.Skip();");
        w.Close();
        w.Line();
        w.Line(mutable ? "return value;" : $"return {Construct(model)};");
        w.Close();
        EmitCatch(w);
        w.Close();
    }

    private static void EmitWritePacked(SourceWriter w, ContractModel model)
    {
        w.Open($"public void WritePacked(ref {Writer} writer, global::System.ReadOnlySpan<{model.FullyQualifiedName}> rows)");
        w.Line($"{Infrastructure}PackedWriter.WriteHeader(ref writer, rows.Length, {model.Members.Count});");
        foreach (var m in model.Members)
        {
            w.Line($"{Infrastructure}PackedWriter.WriteColumnHeader(ref writer, {Utf8(m.WireName)}, rows.Length);");
            w.Open("foreach (ref readonly var row in rows)");
            w.Line($"{m.Codec}.Write(ref writer, row.{m.Name});");
            w.Close();
        }

        w.Close();
    }

    private static void EmitReadPacked(SourceWriter w, ContractModel model)
    {
        var type = model.FullyQualifiedName;
        var mutable = model.Construction.Mutable;
        if (mutable)
        {
            w.Line($"private static readonly global::System.Func<{type}> create = static () => new {type}();");
            w.Line();
        }

        w.Open($"public int ReadPacked(ref {Reader} reader, global::System.Collections.Generic.List<{type}> rows)");
        w.Line("var field = -1;");
        w.Line($"var batch = new {Infrastructure}PackedRows<{type}>(rows, ref reader);");
        if (!mutable)
        {
            foreach (var m in model.Members)
            {
                w.Line($"var column{m.Local} = default({Reader});");
                w.Line($"var has{m.Local} = false;");
            }
        }

        w.Open("try");
        w.Open("for (var sections = reader.ReadMapHeader(); sections > 0; sections--)");
        w.Line("field = -1;");
        w.Open($"switch ({Infrastructure}PackedRows<{type}>.ReadSection(ref reader))");
        w.Line($"case {Infrastructure}PackedSection.Rows:");
        w.Indent().Line("batch.ReadCount(ref reader);").Line("continue;").Outdent();
        w.Line($"case {Infrastructure}PackedSection.Columns:");
        w.Indent().Open("for (var columns = reader.ReadMapHeader(); columns > 0; columns--)");
        w.Line("field = -1;");
        EmitKeySwitch(w, model, (m, index) =>
        {
            w.Line($"field = {index};");
            if (mutable)
            {
                w.Open("foreach (ref var row in batch.BeginColumn(ref reader, create))");
                w.Line($"row.{m.Name} = {m.Codec}.Read(ref reader);");
                w.Close();
            }
            else
            {
                w.Line($"column{m.Local} = batch.MarkColumn(ref reader);");
                w.Line($"has{m.Local} = true;");
            }
        });
        w.Line("reader.Skip();");
        w.Close();
        w.Line();
        w.Line("continue;").Outdent();
        w.Close();
        w.Line();
        w.Line("reader.Skip();");
        w.Close();
        w.Line();

        if (mutable)
        {
            w.Line("return batch.Complete(create);");
        }
        else
        {
            w.Line("var count = batch.Complete();");
            w.Open("for (var i = 0; i < count; i++)");
            var index = 0;
            foreach (var m in model.Members)
            {
                w.Line($"field = {index++};");
                w.Line($"var {m.Local} = has{m.Local} ? {m.Codec}.Read(ref column{m.Local}) : default({m.TypeName});");
            }

            w.Line($"rows.Add({Construct(model)});");
            w.Close();
            w.Line();
            w.Line("return count;");
        }

        w.Close();
        EmitCatch(w);
        w.Close();
    }

    private static void EmitWriteJson(SourceWriter w, ContractModel model)
    {
        foreach (var m in model.Members)
        {
            w.Line($"private static readonly {Json}JsonEncodedText json{m.Local} = {Json}JsonEncodedText.Encode({Utf8(m.WireName)});");
        }

        w.Line();
        w.Open($"public void WriteJson({Json}Utf8JsonWriter writer, in {model.FullyQualifiedName} value)");
        w.Line("writer.WriteStartObject();");
        foreach (var m in model.Members)
        {
            w.Line($"writer.WritePropertyName(json{m.Local});");
            w.Line($"{m.Codec}.WriteJson(writer, value.{m.Name});");
        }

        w.Line("writer.WriteEndObject();");
        w.Close();
    }

    private static void EmitReadJson(SourceWriter w, ContractModel model)
    {
        var mutable = model.Construction.Mutable;
        w.Open($"public {model.FullyQualifiedName} ReadJson(ref {Json}Utf8JsonReader reader)");
        w.Line("var field = -1;");
        w.Open("try");
        w.Open($"if (!{Infrastructure}JsonValues.StartObject(ref reader))");
        w.Line($"throw {Infrastructure}JsonValues.Unexpected(ref reader, \"an object\");");
        w.Close();
        w.Line();
        if (mutable)
        {
            w.Line($"var value = new {model.FullyQualifiedName}();");
        }
        else
        {
            foreach (var m in model.Members)
            {
                w.Line($"var {m.Local} = default({m.TypeName});");
            }
        }

        var timestamp = model.Members.FirstOrDefault(m => m.Kind == FieldKind.Timestamp);
        if (timestamp is not null)
        {
            w.Line("var timed = false;");
        }

        w.Open($"while ({Infrastructure}JsonValues.NextProperty(ref reader))");
        var index = 0;
        foreach (var m in model.Members)
        {
            w.Open($"if (reader.ValueTextEquals({Utf8(m.WireName)}))");
            if (m == timestamp)
            {
                w.Line("timed = true;");
            }

            w.Line($"field = {index++};");
            w.Line("reader.Read();");
            w.Line(mutable
                ? $"value.{m.Name} = {m.Codec}.ReadJson(ref reader);"
                : $"{m.Local} = {m.Codec}.ReadJson(ref reader);");
            w.Line("field = -1;");
            w.Line("continue;");
            w.Close();
            w.Line();
        }

        w.Line("reader.Skip();");
        w.Close();
        w.Line();
        if (timestamp is not null)
        {
            // A writer that puts no time in the message leaves it to the Kafka timestamp, which the runtime then sets.
            w.Open("if (!timed)");
            w.Line($"{Infrastructure}JsonValues.LacksTimestamp();");
            w.Close();
            w.Line();
        }

        w.Line(mutable ? "return value;" : $"return {Construct(model)};");
        w.Close();
        w.Open($"catch (global::System.Exception exception) when ({Runtime}MessageFormatException.IsInputFault(exception))");
        w.Line($"throw {Runtime}MessageFormatException.Create(schema, field, reader.BytesConsumed, exception);");
        w.Close();
        w.Close();
    }

    /// <summary>Avro's binary encoding has no names: the members in declaration order, as the contract's Avro schema lists them.</summary>
    private static void EmitWriteAvro(SourceWriter w, ContractModel model)
    {
        w.Open($"public void WriteAvro(ref {Infrastructure}AvroWriter writer, in {model.FullyQualifiedName} value)");
        foreach (var m in model.Members)
        {
            w.Line($"{m.Codec}.WriteAvro(ref writer, value.{m.Name});");
        }

        w.Close();
    }

    /// <summary>A sink's columns: the members in declaration order, as the schema's fields list them.</summary>
    private static void EmitWriteColumns(SourceWriter w, ContractModel model)
    {
        w.Open($"public void WriteColumns(global::Pipelines.Sinks.IColumnWriter writer, in {model.FullyQualifiedName} value)");
        foreach (var m in model.Members)
        {
            w.Line($"{m.Codec}.WriteColumn(writer, value.{m.Name});");
        }

        w.Close();
    }

    private static void EmitReadAvro(SourceWriter w, ContractModel model)
    {
        w.Open($"public {model.FullyQualifiedName} ReadAvro(ref {Infrastructure}AvroReader reader)");
        w.Line("var field = -1;");
        w.Open("try");
        var index = 0;
        foreach (var m in model.Members)
        {
            w.Line($"field = {index++};");
            w.Line($"var {m.Local} = {m.Codec}.ReadAvro(ref reader);");
        }

        w.Line();
        w.Line(model.Construction.Mutable
            ? $"return new {model.FullyQualifiedName}() {{ {string.Join(", ", model.Members.Select(m => $"{m.Name} = {m.Local}"))} }};"
            : $"return {Construct(model)};");
        w.Close();
        EmitCatch(w);
        w.Close();
    }

    /// <summary>Dispatches on key length first, so most keys cost one comparison.</summary>
    private static void EmitKeySwitch(SourceWriter w, ContractModel model, System.Action<MemberModel, int> onMatch)
    {
        w.Line("var key = reader.ReadKey();");
        w.Open("switch (key.Length)");
        var indexed = model.Members.Select((m, i) => (Member: m, Index: i)).OrderBy(x => Encoding.UTF8.GetByteCount(x.Member.WireName)).ThenBy(x => x.Index);
        foreach (var (m, index) in indexed)
        {
            w.Line($"case {Encoding.UTF8.GetByteCount(m.WireName)} when global::System.MemoryExtensions.SequenceEqual(key, {Utf8(m.WireName)}):");
            w.Indent();
            onMatch(m, index);
            w.Line("continue;").Outdent();
        }

        w.Close();
        w.Line();
    }

    private static void EmitCatch(SourceWriter w)
    {
        w.Open($"catch (global::System.Exception exception) when ({Runtime}MessageFormatException.IsInputFault(exception))");
        w.Line($"throw {Runtime}MessageFormatException.Create(schema, field, reader.Position, exception);");
        w.Close();
    }

    private static string Construct(ContractModel model)
    {
        var arguments = string.Join(", ", model.Construction.ConstructorArguments.Select(name => model.Members.First(m => m.Name.TrimStart('@') == name.TrimStart('@')).Local));
        var initializers = model.Members.Where(m => m.Assignment != MemberAssignment.Constructor).Select(m => $"{m.Name} = {m.Local}").ToList();
        var construct = $"new {model.FullyQualifiedName}({arguments})";
        return initializers.Count == 0 ? construct : construct + " { " + string.Join(", ", initializers) + " }";
    }

    private static string Utf8(string text) => Literal(text) + "u8";

    private static string Literal(string text) =>
        Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);
}
