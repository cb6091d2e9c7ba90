using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ZgDb.Generators.Reading;

/// <summary>
/// What a database's <c>OnModelCreating</c> says that the compile-time checks must know to stay silent where the
/// runtime would not refuse: the properties it ignores, the entities whose key it sets, whether it configures
/// relationships, and the indexes it declares. Fluent calls are read only as literal lambdas and strings on the
/// builder itself; a builder handed to other code (a helper, a field) makes the configuration <see cref="IsUnreadable"/>,
/// and every check a fluent call could change stays silent.
/// </summary>
internal sealed class FluentConfiguration
{
    private readonly Dictionary<ITypeSymbol, HashSet<string>> _ignored = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ITypeSymbol> _unreadableIgnores = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ITypeSymbol, List<List<(string Name, SyntaxNode At)>?>> _keys = new(SymbolEqualityComparer.Default);

    /// <summary>True when the builder escapes where its calls cannot be read (or an OnModelCreating of a base class runs).</summary>
    public bool IsUnreadable { get; private set; }

    /// <summary>True when OnModelCreating calls HasOne or HasMany (relationships are then not only the conventions').</summary>
    public bool ConfiguresRelationships { get; private set; }

    /// <summary>The HasIndex calls: entity, the lambda, and each indexed path as property symbols with the syntax of its last member.</summary>
    public List<(ITypeSymbol Entity, List<List<IPropertyReferenceOperation>> Paths)> Indexes { get; } = [];

    /// <summary>Whether every Ignore call for <paramref name="entity"/> could be read (then <see cref="IsIgnored"/> is exact).</summary>
    public bool IgnoresAreKnown(ITypeSymbol entity) => !IsUnreadable && !_unreadableIgnores.Contains(entity);

    public bool IsIgnored(ITypeSymbol entity, string property) => _ignored.TryGetValue(entity, out var names) && names.Contains(property);

    /// <summary>Whether OnModelCreating may set <paramref name="entity"/>'s key with HasKey (or cannot be read).</summary>
    public bool MaySetKey(ITypeSymbol entity) => IsUnreadable || _keys.ContainsKey(entity);

    /// <summary>
    /// The key OnModelCreating's one HasKey call for <paramref name="entity"/> names (each property's name and where
    /// it is named), or null when there is no such call, several, or one whose arguments cannot be read.
    /// </summary>
    public List<(string Name, SyntaxNode At)>? FluentKey(ITypeSymbol entity) =>
        !IsUnreadable && _keys.TryGetValue(entity, out var calls) && calls.Count == 1 ? calls[0] : null;

    /// <summary>An unreadable configuration: an OnModelCreating the checks cannot see.</summary>
    public void MarkUnreadable() => IsUnreadable = true;

    /// <summary>Reads one OnModelCreating body.</summary>
    public void Read(IOperation body, ZgDbSymbols symbols)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    ReadInvocation(invocation, symbols);
                    break;
                case IArgumentOperation { Value.Type: { } type, Parent: IInvocationOperation target } when symbols.IsBuilder(type) && !symbols.IsZgDbMethod(target.TargetMethod):
                case IArgumentOperation { Value.Type: { } type2, Parent: IObjectCreationOperation } when symbols.IsBuilder(type2):
                case ISimpleAssignmentOperation { Value.Type: { } type3, Target: not ILocalReferenceOperation } when symbols.IsBuilder(type3):
                case IReturnOperation { ReturnedValue.Type: { } type4 } when symbols.IsBuilder(type4):
                    IsUnreadable = true;
                    break;
            }
        }
    }

    private void ReadInvocation(IInvocationOperation invocation, ZgDbSymbols symbols)
    {
        var method = invocation.TargetMethod;
        if (method.Name == "OnModelCreating" && invocation.Instance is IInstanceReferenceOperation && !SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.ZgDatabase))
        {
            IsUnreadable = true; // base.OnModelCreating of an application class: another body configures this model
            return;
        }
        if (method.Name is "HasOne" or "HasMany" && symbols.IsZgDbMethod(method)) ConfiguresRelationships = true;
        if (!SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, symbols.EntityTypeBuilder)) return;
        var entity = method.ContainingType.TypeArguments[0];
        if (!RunsEveryTime(invocation))
        {
            // A call that may not run (in a branch, a loop, a lambda): what it would change is not known.
            if (method.Name == "HasKey") KeyCalls(entity).Add(null);
            if (method.Name == "Ignore") _unreadableIgnores.Add(entity);
            return;
        }
        switch (method.Name)
        {
            case "HasKey":
                KeyCalls(entity).Add(KeyNames(invocation));
                break;
            case "Ignore":
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Value.ConstantValue is { HasValue: true, Value: string name }) Names(entity).Add(name);
                    else if (PropertyPaths(argument.Value) is { } paths) foreach (var path in paths) Names(entity).Add(path[0].Property.Name);
                    else _unreadableIgnores.Add(entity);
                }
                break;
            case "HasIndex":
                if (invocation.Arguments.Length == 1 && PropertyPaths(invocation.Arguments[0].Value) is { } indexed) Indexes.Add((entity, indexed));
                break;
        }
    }

    /// <summary>HasKey(x =&gt; x.A) / HasKey(x =&gt; new { x.A, x.B }) / HasKey("A", "B") as names; null for anything else (a nested path, a name that is not a constant, none).</summary>
    private static List<(string Name, SyntaxNode At)>? KeyNames(IInvocationOperation invocation)
    {
        if (invocation.Arguments.Length != 1) return null;
        var value = invocation.Arguments[0].Value;
        var names = new List<(string, SyntaxNode)>();
        if (value is IArrayCreationOperation { Initializer: { } initializer })
        {
            foreach (var element in initializer.ElementValues)
                if (element.ConstantValue is { HasValue: true, Value: string name }) names.Add((name, element.Syntax));
                else return null;
        }
        else if (PropertyPaths(value) is { } paths && paths.All(p => p.Count == 1))
            names.AddRange(paths.Select(p => (p[0].Property.Name, p[0].Syntax)));
        else
            return null;
        return names.Count > 0 ? names : null;
    }

    private List<List<(string Name, SyntaxNode At)>?> KeyCalls(ITypeSymbol entity)
    {
        if (!_keys.TryGetValue(entity, out var calls)) _keys[entity] = calls = [];
        return calls;
    }

    /// <summary>Whether the call runs each time OnModelCreating does: not under a branch, a loop, a try, a lambda or a local function.</summary>
    private static bool RunsEveryTime(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
            if (current is IConditionalOperation or ILoopOperation or ISwitchOperation or ISwitchExpressionOperation or ITryOperation
                or IAnonymousFunctionOperation or ILocalFunctionOperation or IConditionalAccessOperation or ICoalesceOperation or IUsingOperation)
                return false;
        return true;
    }

    private HashSet<string> Names(ITypeSymbol entity)
    {
        if (!_ignored.TryGetValue(entity, out var names)) _ignored[entity] = names = new HashSet<string>(System.StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// PropertyExpressions.ParseList: a lambda <c>x =&gt; x.A.B</c> or <c>x =&gt; new { x.A, x.B }</c> as property paths
    /// (outermost first); null for anything else (the runtime refuses it with its own message).
    /// </summary>
    public static List<List<IPropertyReferenceOperation>>? PropertyPaths(IOperation value)
    {
        var current = value;
        while (current is IConversionOperation or IDelegateCreationOperation)
            current = current is IConversionOperation conversion ? conversion.Operand : ((IDelegateCreationOperation)current).Target;
        if (current is not IAnonymousFunctionOperation { Symbol.Parameters.Length: 1 } lambda) return null;
        if (lambda.Body.Operations.Length != 1 || lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } returned }) return null;
        var body = StripConversions(returned);
        var parameter = lambda.Symbol.Parameters[0];
        if (body is IAnonymousObjectCreationOperation anonymous)
        {
            var paths = new List<List<IPropertyReferenceOperation>>();
            foreach (var initializer in anonymous.Initializers)
            {
                var member = initializer is ISimpleAssignmentOperation assignment ? assignment.Value : initializer;
                if (PropertyPath(member, parameter) is not { } path) return null;
                paths.Add(path);
            }
            return paths;
        }
        return PropertyPath(body, parameter) is { } single ? [single] : null;
    }

    private static List<IPropertyReferenceOperation>? PropertyPath(IOperation operation, IParameterSymbol parameter)
    {
        var path = new List<IPropertyReferenceOperation>();
        var current = StripConversions(operation);
        while (current is IPropertyReferenceOperation property)
        {
            path.Insert(0, property);
            current = property.Instance is null ? null : StripConversions(property.Instance);
        }
        return current is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter) && path.Count > 0 ? path : null;
    }

    private static IOperation StripConversions(IOperation operation)
    {
        while (operation is IConversionOperation conversion) operation = conversion.Operand;
        return operation;
    }
}
