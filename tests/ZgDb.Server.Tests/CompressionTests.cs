using Google.Protobuf;
using Grpc.Core;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Server.Tests;

/// <summary>Documents over ZgServerOptions/ZgClientOptions.CompressAbove travel zstd-compressed, both ways, and arrive equal.</summary>
public sealed class CompressionTests
{
    private static User Large(int id) => new() { Id = id, Name = "large " + id, Tags = Enumerable.Range(0, 4000).Select(i => $"tag {i % 50} of a document that repeats itself").ToList() };

    [Fact]
    public void Large_documents_are_packed_below_their_JSON_size_and_unpacked_equal()
    {
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Large(1));
        var packed = RemoteDocuments.Pack(json, 4096);
        Assert.True(RemoteDocuments.IsCompressed(packed));
        Assert.True(packed.Length * 10 < json.Length, $"{json.Length} bytes of JSON packed to {packed.Length}");
        Assert.Equal(json, RemoteDocuments.Unpack(packed, json.Length).ToArray());
        var small = "{\"Id\":1}"u8.ToArray();
        Assert.Same(small, RemoteDocuments.Pack(small, 4096)); // below the threshold: as it is
        Assert.Equal(small, RemoteDocuments.Unpack(small, 100).ToArray());
        var bomb = Assert.Throws<InvalidDataException>(() => RemoteDocuments.Unpack(packed, json.Length - 1));
        Assert.Contains("at most", bomb.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Large_documents_travel_compressed_both_ways_and_read_back_equal(bool compress)
    {
        int above = compress ? 4096 : int.MaxValue;
        await using var server = await TestServerFixture.StartAsync(o => { o.CompressAbove = above; o.PageSize = 2; });
        var counting = new CountingHandler(server.Server.CreateHandler());
        using var db = ZgDatabase.Connect<BlogDb>("zgdb://localhost", new ZgClientOptions { Token = TestServerFixture.Token, HttpHandler = counting, CompressAbove = above });
        var documents = Enumerable.Range(1, 3).Select(Large).ToList();
        int json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(documents[0]).Length;
        Assert.True(json > 150_000);
        db.Users.Insert(documents[0]);
        Assert.Equal(documents[0].Tags, db.Users.Find(1)!.Tags);
        // Measured on the wire: the Write request and the Find reply, compressed or not.
        if (compress)
        {
            Assert.True(counting.Sent * 10 < json, $"Write sent {counting.Sent} bytes for {json} bytes of JSON");
            Assert.True(counting.Received * 10 < json, $"Find received {counting.Received} bytes for {json} bytes of JSON");
        }
        else
        {
            Assert.True(counting.Sent > json && counting.Received > json, $"uncompressed: sent {counting.Sent}, received {counting.Received}, JSON {json}");
        }
        db.Users.InsertMany(documents.Skip(1).ToList());
        using var embedded = ZgDatabase.OpenInMemory<BlogDb>();
        embedded.Users.InsertMany(documents);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(embedded.Users.OrderBy(u => u.Id).ToList()), System.Text.Json.JsonSerializer.Serialize(db.Users.OrderBy(u => u.Id).ToList()));
    }

    /// <summary>Counts the bytes of the first Write request sent and of the first Find reply received (unary calls: buffered whole).</summary>
    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public long Sent { get; private set; }
        public long Received { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/Write", StringComparison.Ordinal) && Sent == 0 && request.Content is { } content)
            {
                var body = await content.ReadAsByteArrayAsync(cancellationToken);
                Sent = body.Length;
                var copy = new ByteArrayContent(body);
                foreach (var header in content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
                request.Content = copy;
            }
            var response = await base.SendAsync(request, cancellationToken);
            if (path.EndsWith("/Find", StringComparison.Ordinal) && Received == 0)
            {
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                Received = body.Length;
                var copy = new ByteArrayContent(body);
                foreach (var header in response.Content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
                response.Content = copy;
            }
            return response;
        }
    }

    [Fact]
    public async Task Compressed_document_declaring_more_than_the_limit_is_refused_and_nothing_is_written()
    {
        await using var server = await TestServerFixture.StartAsync(o => o.MaxMessageSize = 64 * 1024);
        using var channel = server.Channel();
        var client = new ZgDbData.ZgDbDataClient(channel);
        // 10 MB of zeros: a few hundred bytes compressed, far over the server's 64 KiB once unpacked.
        var bomb = RemoteDocuments.Pack(new byte[10_000_000], 0);
        Assert.True(bomb.Length < 64 * 1024);
        var e = Assert.Throws<RpcException>(() => client.Write(new WriteRequest { Collection = "Users", Kind = WriteKind.Insert, Documents = { ByteString.CopyFrom(bomb) } }, TestServerFixture.HandshakenHeaders<BlogDb>()));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("declares 10000000 bytes", e.Status.Detail);
        using var db = server.Connect();
        Assert.Equal(0, db.Users.Count());
    }
}
