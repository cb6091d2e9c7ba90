using System.IO.Hashing;
using System.Text;

namespace ZgDb.Storage.Indexes;

/// <summary>
/// The one definition of an index's stored identity: its signature (the column types and key kind, e.g.
/// <c>string,int32;key:Int32</c>) and the hash of "collection/index name/signature" an index file's header carries.
/// The typed engine (<see cref="IndexDefinition{TKey,T}"/>) and the untyped verifier both derive them here.
/// </summary>
internal static class IndexSignature
{
    public static string Of(IEnumerable<string> columnTypes, EntityType entity) =>
        string.Join(",", columnTypes) + ";key:" + entity.KeyKind
        + (entity.HasCompositeKey ? "(" + string.Join(",", entity.KeyPartKinds) + ")" : "");

    /// <summary>How many columns a signature describes.</summary>
    public static int ColumnCount(string signature) => signature.Split(';')[0].Split(',').Length;

    /// <summary>The hash stored in the index file's header (<see cref="Format.IndexHeader.Identity"/>).</summary>
    public static ulong Identity(string collection, string index, string signature) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{collection}/{index}/{signature}"));
}
