using System.Text;
using ZgDb.Storage.Format;
using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

/// <summary>
/// Regression (found by the manifest-open fuzzer, seed 1584118378, inputs 28 and 1066): a checksummed manifest whose
/// JSON nulls a required part ("Collections": null, a stored property's type) decoded, then opening crashed with an
/// ArgumentNullException or NullReferenceException instead of reporting the file.
/// </summary>
public sealed class ManifestWithNullPartsIsCorruption
{
    [Theory]
    [InlineData("""{"Generation":1,"Collections":null}""")]
    [InlineData("""{"Generation":1,"Collections":[null]}""")]
    [InlineData("""{"Generation":1,"Collections":[{"Name":"Users","KeyKind":"Int32","Chunks":null}]}""")]
    [InlineData("""{"Generation":1,"Model":null}""")]
    [InlineData("""{"Generation":1,"Metadata":null}""")]
    [InlineData("""{"Generation":1,"Model":{"Entities":[{"Collection":"Users","ClrType":"x","Key":"Id","KeyKind":"Int32","Properties":[{"Name":"Id","Type":null}],"Indexes":[]}]}}""")]
    [InlineData("""{"Generation":1,"Model":{"Entities":[],"Relationships":[],"RemovedProperties":[null]}}""")]
    [InlineData("""{"Generation":1,"Model":{"Entities":[],"Relationships":[],"RemovedProperties":[{"Collection":"Users","Path":"Code","Type":null}]}}""")]
    [InlineData("""{"Generation":1,"Model":{"Entities":[],"Relationships":[],"RemovedEntities":[{"Collection":"Users","ClrType":"x","Key":"Id","KeyKind":"Int32","Properties":null,"Indexes":[]}]}}""")]
    public void A_manifest_body_with_null_parts_is_reported_as_corrupt(string body)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File(ManifestLayout.FileName(1)), ManifestLayout.Encode(1, Encoding.UTF8.GetBytes(body)));
        var e = Assert.Throws<ZgDbCorruptFileException>(() => ZgDatabase.Open<TestDb>(dir.Path));
        Assert.EndsWith(ManifestLayout.FileName(1), e.File);
    }
}
