using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Pipelines.Analyzers;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>Turns an annotated type into a <see cref="ContractModel"/>, or into the diagnostics that explain why it cannot be one.</summary>
internal static class ContractParser
{
    /// <summary>The contract's model, or <see langword="null"/> when <paramref name="diagnostics"/> received an error.</summary>
    public static ContractModel? Parse(INamedTypeSymbol type, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var errors = diagnostics.Count;
        var model = Parse(type, new ContractValidator(type, known), diagnostics, out _, cancellationToken);
        return diagnostics.Count == errors ? model : null;
    }

    /// <summary>Parses a contract used as a member type of the one being generated; only its validity matters.</summary>
    public static CodecStatus ParseNested(INamedTypeSymbol type, ContractValidator validator)
    {
        var diagnostics = new List<Diagnostic>();
        Parse(type, validator, diagnostics, out var recursive, CancellationToken.None);
        return recursive ? CodecStatus.Recursive : diagnostics.Count == 0 ? CodecStatus.Supported : CodecStatus.ContractHasErrors;
    }

    private static ContractModel? Parse(INamedTypeSymbol type, ContractValidator validator, List<Diagnostic> diagnostics, out bool recursive, CancellationToken cancellationToken)
    {
        recursive = false;
        var typeName = type.ToDisplayString();
        var errors = diagnostics.Count;
        ValidateType(type, typeName, diagnostics);
        var topic = ReadTopic(type, typeName, validator.Known, diagnostics, out var format, cancellationToken);
        ReadBuffer(type, topic, validator.Known, diagnostics, cancellationToken);

        var candidates = new List<MemberCandidate>();
        var unresolved = false;
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var candidate = ParseMember(member, typeName, validator, diagnostics, ref recursive, ref unresolved);
            if (candidate is not null)
            {
                candidates.Add(candidate);
            }
        }

        // Two partial declarations declaring one name is the compiler's error (CS0102) to report; nothing here can be right.
        if (candidates.GroupBy(c => c.Symbol.Name).Any(g => g.Count() > 1))
        {
            return null;
        }

        ValidateFieldSet(candidates, typeName, diagnostics);
        var construction = ChooseConstruction(type, typeName, candidates, diagnostics);
        if (diagnostics.Count > errors || construction is null || unresolved)
        {
            return null;
        }

        var members = candidates
            .Select(c => new MemberModel(
                Escape(c.Symbol.Name),
                c.WireName,
                c.Kind,
                c.Type.ToDisplayString(CodecResolver.TypeFormat),
                c.Codec,
                construction.Value.Assignments[c.Symbol.Name],
                c.Kind == FieldKind.Timestamp ? CodecResolver.Clock(c.Type) : TimestampClock.None))
            .ToEquatableArray();

        var avroSchema = AvroSchemaBuilder.Build(type, validator.Known, out var notAvro);
        if (avroSchema is null && format == KnownNames.AvroFormat)
        {
            diagnostics.Report(DiagnosticDescriptors.NotAnAvroName, AttributeArguments.Location(KnownTypes.Find(type, validator.Known.TopicAttribute)!, "Format", type, cancellationToken), typeName, notAvro!);
            return null;
        }

        return new ContractModel(
            TypeDeclarations.Namespace(type),
            TypeDeclarations.ContainingTypeModels(type),
            TypeDeclarations.Declaration(type),
            type.ToDisplayString(CodecResolver.TypeFormat),
            typeName,
            topic,
            format,
            avroSchema,
            JsonSchemaBuilder.Build(type, validator.Known),
            members,
            construction.Value.Model,
            TypeDeclarations.HintName(type, ".Contract.g.cs"));
    }

    private static void ValidateType(INamedTypeSymbol type, string typeName, List<Diagnostic> diagnostics)
    {
        var notPartial = TypeDeclarations.FirstNotPartial(type);
        if (notPartial is not null)
        {
            diagnostics.Report(DiagnosticDescriptors.MustBePartial, type, notPartial.ToDisplayString());
        }

        var problem = type switch
        {
            { IsStatic: true } => "static classes have no instances to serialize",
            { IsAbstract: true, TypeKind: TypeKind.Class } => "abstract classes cannot be constructed when a message is read",
            { IsRefLikeType: true } => "ref structs cannot be stored in a batch or a List<T>",
            _ when type.IsGenericType || TypeDeclarations.ContainingTypes(type).Any(t => t.IsGenericType) => "generic types are not supported; declare a non-generic contract per shape",
            _ => null,
        };
        if (problem is not null)
        {
            diagnostics.Report(DiagnosticDescriptors.UnsupportedContractType, type, typeName, problem);
        }
    }

    /// <summary>A topic's [Buffer] packs what processors write there; checked here, once, rather than by each writer.</summary>
    private static void ReadBuffer(INamedTypeSymbol type, string? topic, KnownTypes known, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        if (KnownTypes.Find(type, known.BufferAttribute) is not { } attribute)
        {
            return;
        }

        if (topic is null)
        {
            diagnostics.Report(DiagnosticDescriptors.BufferSettingMisplaced, AttributeArguments.Location(attribute, "", type, cancellationToken), "[Buffer]", type.Name, "applies to [Topic] contracts (packing what processors write there) and [Processor] classes (buffering their input), not to a [MessageContract]");
            return;
        }

        BufferParser.Parse(type, type, isInput: false, known, diagnostics, cancellationToken);
    }

    private static string? ReadTopic(INamedTypeSymbol type, string typeName, KnownTypes known, List<Diagnostic> diagnostics, out string? format, CancellationToken cancellationToken)
    {
        format = null;
        var attribute = KnownTypes.Find(type, known.TopicAttribute);
        if (attribute is null)
        {
            return null;
        }

        var topic = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        var problem = TopicName.Validate(topic);
        if (problem is not null)
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidTopicName, AttributeArguments.Location(attribute, null, type, cancellationToken), topic ?? string.Empty, typeName, problem);
        }

        string? invalidCompression = null;
        if (AttributeArguments.Named(attribute, "Compression") is { } compression && AttributeArguments.EnumMember(compression, ref invalidCompression) is null)
        {
            diagnostics.Report(DiagnosticDescriptors.SettingOutOfRange, AttributeArguments.Location(attribute, "Compression", type, cancellationToken), "Compression", type.Name, invalidCompression!);
        }

        // The default (MessagePack, 0) is left out of the generated schema, which then reads as before.
        string? invalidFormat = null;
        if (AttributeArguments.Named(attribute, "Format") is { } named && !Equals(named.Value, 0))
        {
            format = AttributeArguments.EnumMember(named, ref invalidFormat);
            if (format is null)
            {
                diagnostics.Report(DiagnosticDescriptors.SettingOutOfRange, AttributeArguments.Location(attribute, "Format", type, cancellationToken), "Format", type.Name, invalidFormat!);
            }
        }

        return topic;
    }

    private static MemberCandidate? ParseMember(ISymbol member, string typeName, ContractValidator validator, List<Diagnostic> diagnostics, ref bool recursive, ref bool unresolved)
    {
        var known = validator.Known;
        var fieldAttributes = member.GetAttributes()
            .Where(a => KnownTypes.Is(a.AttributeClass, known.TimestampAttribute) || KnownTypes.Is(a.AttributeClass, known.TagAttribute) || KnownTypes.Is(a.AttributeClass, known.ParameterAttribute))
            .ToList();
        if (fieldAttributes.Count == 0 || member is not (IPropertySymbol or IFieldSymbol))
        {
            return null;
        }

        var memberName = typeName + "." + member.Name;
        if (fieldAttributes.Count > 1)
        {
            diagnostics.Report(DiagnosticDescriptors.ConflictingFieldAttributes, member, memberName);
            return null;
        }

        var attribute = fieldAttributes[0];
        var kind = attribute.AttributeClass!.Name switch
        {
            "TimestampAttribute" => FieldKind.Timestamp,
            "TagAttribute" => FieldKind.Tag,
            _ => FieldKind.Parameter,
        };
        var wireName = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name ? name : member.Name;
        if (wireName.Trim().Length == 0)
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidWireName, member, memberName);
            return null;
        }

        var access = Access.Of(member);
        if (access.Problem is not null)
        {
            diagnostics.Report(DiagnosticDescriptors.UnserializableMember, member, memberName, access.Problem);
            return null;
        }

        var type = access.Type;
        if (ContainsErrorType(type))
        {
            // The compiler already reports the unresolved type; a second error here would only be noise.
            unresolved = true;
            return null;
        }

        string? codec;
        switch (kind)
        {
            case FieldKind.Timestamp:
                codec = CodecResolver.ResolveTimestamp(type, validator.UnixMillisecondTimes);
                if (codec is null)
                {
                    diagnostics.Report(DiagnosticDescriptors.InvalidTimestamp, member, memberName, $"has type '{type.ToDisplayString()}'; a timestamp must be a long (nanoseconds since the Unix epoch), DateTime or DateTimeOffset");
                    return null;
                }

                break;
            case FieldKind.Tag:
                codec = CodecResolver.ResolveTag(type);
                if (codec is null)
                {
                    diagnostics.Report(DiagnosticDescriptors.UnsupportedMemberType, member, memberName, type.ToDisplayString(), "a tag", "; a tag must be a single value, not a collection, binary or a contract");
                    return null;
                }

                break;
            default:
                var status = CodecResolver.ResolveParameter(type, validator, out var parameterCodec, out var culprit);
                switch (status)
                {
                    case CodecStatus.Unsupported:
                        var detail = culprit is not null && !SymbolEqualityComparer.Default.Equals(culprit, type) ? $" (the element type '{culprit.ToDisplayString()}' is the problem)" : string.Empty;
                        diagnostics.Report(DiagnosticDescriptors.UnsupportedMemberType, member, memberName, type.ToDisplayString(), "a parameter", detail);
                        return null;
                    case CodecStatus.Recursive:
                        recursive = true;
                        diagnostics.Report(DiagnosticDescriptors.RecursiveContract, member, typeName, member.Name);
                        return null;
                    case CodecStatus.ContractHasErrors:
                        diagnostics.Report(DiagnosticDescriptors.MemberContractHasErrors, member, memberName, culprit!.ToDisplayString());
                        return null;
                }

                codec = parameterCodec;
                break;
        }

        return new MemberCandidate(member, type, wireName, kind, codec, access);
    }

    private static void ValidateFieldSet(List<MemberCandidate> candidates, string typeName, List<Diagnostic> diagnostics)
    {
        foreach (var extra in candidates.Where(c => c.Kind == FieldKind.Timestamp).Skip(1))
        {
            diagnostics.Report(DiagnosticDescriptors.InvalidTimestamp, extra.Symbol, typeName + "." + extra.Symbol.Name, "is the second [Timestamp] of its type; a row has one time");
        }

        var seen = new Dictionary<string, MemberCandidate>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            if (seen.TryGetValue(candidate.WireName, out var first))
            {
                diagnostics.Report(DiagnosticDescriptors.DuplicateWireName, candidate.Symbol, typeName + "." + first.Symbol.Name, typeName + "." + candidate.Symbol.Name, candidate.WireName);
            }
            else
            {
                seen.Add(candidate.WireName, candidate);
            }
        }
    }

    /// <summary>
    /// Prefers <c>new T()</c> with members assigned as they are read (fastest, and a missing field keeps the
    /// member's initializer); otherwise the constructor that binds the most members by name and type, with the
    /// rest in an object initializer.
    /// </summary>
    private static (ConstructionModel Model, Dictionary<string, MemberAssignment> Assignments)? ChooseConstruction(
        INamedTypeSymbol type, string typeName, List<MemberCandidate> candidates, List<Diagnostic> diagnostics)
    {
        var hasRequired = type.GetMembers().Any(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true });
        var constructors = type.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared || type.IsValueType || c.Parameters.Length == 0).ToList();
        var parameterless = type.IsValueType || constructors.Any(c => c.Parameters.Length == 0);

        if (parameterless && !hasRequired && candidates.All(c => c.Access.Settable))
        {
            return (new ConstructionModel(true, EquatableArray<string>.Empty), candidates.ToDictionary(c => c.Symbol.Name, _ => MemberAssignment.Settable));
        }

        IMethodSymbol? best = null;
        List<MemberCandidate>? bound = null;
        foreach (var constructor in constructors)
        {
            if (constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type))
            {
                continue; // a record's copy constructor
            }

            var matches = constructor.Parameters
                .Select(p => candidates.FirstOrDefault(c =>
                    string.Equals(c.Symbol.Name, p.Name, StringComparison.OrdinalIgnoreCase) &&
                    SymbolEqualityComparer.Default.Equals(c.Type, p.Type)))
                .ToList();
            if (matches.All(m => m is not null) && (best is null || constructor.Parameters.Length > best.Parameters.Length))
            {
                best = constructor;
                bound = matches!;
            }
        }

        if (best is null || bound is null)
        {
            diagnostics.Report(DiagnosticDescriptors.UnsupportedContractType, type, typeName, "it has no constructor whose parameters all match serialized members by name and type, and no parameterless one");
            return null;
        }

        var assignments = new Dictionary<string, MemberAssignment>();
        foreach (var candidate in candidates)
        {
            if (bound.Contains(candidate))
            {
                assignments[candidate.Symbol.Name] = MemberAssignment.Constructor;
            }
            else if (candidate.Access.Settable || candidate.Access.InitOnly)
            {
                assignments[candidate.Symbol.Name] = MemberAssignment.Initializer;
            }
            else
            {
                diagnostics.Report(DiagnosticDescriptors.UnserializableMember, candidate.Symbol, typeName + "." + candidate.Symbol.Name, "has no setter, init accessor or constructor parameter, so it can never be read back; add 'init;' or a constructor parameter of the same name");
            }
        }

        var serialized = new HashSet<string>(candidates.Select(c => c.Symbol.Name));
        var unsetRequired = type.GetMembers()
            .Where(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })
            .FirstOrDefault(m => !serialized.Contains(m.Name));
        if (unsetRequired is not null && !best.GetAttributes().Any(a => a.AttributeClass?.Name == "SetsRequiredMembersAttribute"))
        {
            diagnostics.Report(DiagnosticDescriptors.UnsupportedContractType, type, typeName, $"its required member '{unsetRequired.Name}' is not serialized, so a read row could not set it");
            return null;
        }

        var arguments = bound.Select(c => c.Symbol.Name).ToEquatableArray();
        return (new ConstructionModel(false, arguments), assignments);
    }

    private static bool ContainsErrorType(ITypeSymbol type) => type switch
    {
        { TypeKind: TypeKind.Error } => true,
        IArrayTypeSymbol array => ContainsErrorType(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsErrorType),
        _ => false,
    };

    private static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private sealed record MemberCandidate(ISymbol Symbol, ITypeSymbol Type, string WireName, FieldKind Kind, string Codec, Access Access);

    /// <summary>How a member can be read and written.</summary>
    private sealed record Access(ITypeSymbol Type, bool Settable, bool InitOnly, string? Problem)
    {
        public static Access Of(ISymbol member) => member switch
        {
            { IsStatic: true } => new(TypeOf(member), false, false, "is static; only instance members are fields of a row"),
            IPropertySymbol { IsIndexer: true } p => new(p.Type, false, false, "is an indexer, which has no single value to serialize"),
            IPropertySymbol { GetMethod: null } p => new(p.Type, false, false, "has no getter, so it can never be written; add a getter"),
            IPropertySymbol p => new(p.Type, p.SetMethod is { IsInitOnly: false }, p.SetMethod is { IsInitOnly: true }, null),
            IFieldSymbol { IsConst: true } f => new(f.Type, false, false, "is a constant; only instance members are fields of a row"),
            IFieldSymbol f => new(f.Type, !f.IsReadOnly, false, null),
            _ => new(TypeOf(member), false, false, "is not a property or field"),
        };

        private static ITypeSymbol TypeOf(ISymbol member) => member switch
        {
            IPropertySymbol p => p.Type,
            IFieldSymbol f => f.Type,
            _ => throw new ArgumentException("Only properties and fields have a type.", nameof(member)),
        };
    }
}
