using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;

namespace ZgDb;

/// <summary>
/// The CLR types of implicit join collections (<c>HasMany(p =&gt; p.Tags).WithMany(t =&gt; t.Posts)</c> without
/// <c>UsingEntity</c>): one small public class per join, emitted at run time so its two properties carry EF Core's
/// names (<c>PostTag { int PostsId; int TagsId; }</c>) and the engine stores it as any other entity. The same join
/// (name, property names and types) always gets the same type, so every database class of a process shares it.
/// </summary>
internal static class JoinRowTypes
{
    /// <summary>The namespace of every join row type (its <see cref="Type.FullName"/> is <c>ZgDb.JoinRows.PostTag</c>).</summary>
    public const string Namespace = "ZgDb.JoinRows";

    private static readonly ModuleBuilder Module =
        AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("ZgDb.JoinRows"), AssemblyBuilderAccess.Run).DefineDynamicModule("ZgDb.JoinRows");
    private static readonly ConcurrentDictionary<string, Type> Types = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>Whether <paramref name="type"/> is an implicit join row type.</summary>
    public static bool IsJoinRow(Type type) => type.Assembly == Module.Assembly;

    /// <summary>The join row type <paramref name="name"/> with two key properties, in order.</summary>
    public static Type Get(string name, (string Name, Type Type) first, (string Name, Type Type) second)
    {
        var signature = $"{name}({first.Name}:{first.Type.AssemblyQualifiedName},{second.Name}:{second.Type.AssemblyQualifiedName})";
        if (Types.TryGetValue(signature, out var existing)) return existing;
        lock (Gate)
        {
            if (Types.TryGetValue(signature, out existing)) return existing;
            // Another join of the same name but other key types (two databases of the process): a distinct CLR name.
            var clrName = $"{Namespace}.{name}";
            for (int n = 2; Types.Values.Any(t => t.FullName == clrName); n++) clrName = $"{Namespace}.{name}{n}";
            var builder = Module.DefineType(clrName, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class);
            builder.DefineDefaultConstructor(MethodAttributes.Public);
            AddProperty(builder, first.Name, first.Type);
            AddProperty(builder, second.Name, second.Type);
            var type = builder.CreateType();
            Types[signature] = type;
            return type;
        }
    }

    private static void AddProperty(TypeBuilder type, string name, Type propertyType)
    {
        var field = type.DefineField("_" + name, propertyType, FieldAttributes.Private);
        var property = type.DefineProperty(name, PropertyAttributes.None, propertyType, null);
        const MethodAttributes accessor = MethodAttributes.Public | MethodAttributes.SpecialName | MethodAttributes.HideBySig;
        var getter = type.DefineMethod("get_" + name, accessor, propertyType, Type.EmptyTypes);
        var il = getter.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, field);
        il.Emit(OpCodes.Ret);
        var setter = type.DefineMethod("set_" + name, accessor, null, [propertyType]);
        il = setter.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Stfld, field);
        il.Emit(OpCodes.Ret);
        property.SetGetMethod(getter);
        property.SetSetMethod(setter);
    }
}
