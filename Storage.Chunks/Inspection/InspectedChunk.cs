using ZgDb.Storage.Manifests;

namespace ZgDb.Storage.Inspection;

/// <summary>A chunk as the manifest lists it, with its key bounds read per the collection's key kind.</summary>
internal sealed record InspectedChunk(ManifestChunk Stored, StoredKey Min, StoredKey Max)
{
    public string File => Stored.File;
}
