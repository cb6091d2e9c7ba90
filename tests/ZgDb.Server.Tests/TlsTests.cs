using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ZgDb.Server.Tests;

/// <summary>
/// TLS through Kestrel's own certificate configuration (docs/SERVER.md): a server on 127.0.0.1 with a self-signed
/// certificate made here, a <c>zgdbs://</c> client that trusts exactly that certificate, and the refusals around it.
/// </summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Zgdbs_client_talks_to_a_Kestrel_server_with_a_self_signed_certificate()
    {
        using var certificate = SelfSigned();
        int port = FreePort.Next();
        var directory = ServerProcess.NewDirectory("zgdb-server-tls-");
        using var cleanup = new DirectoryCleanup(directory);
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(certificate);
        }));
        builder.Services.AddZgDbServer<BlogDb>(directory, o => o.Tokens.Add(TestServerFixture.Token));
        await using var app = builder.Build();
        app.MapZgDbServer();
        await app.StartAsync();

        var address = $"zgdbs://127.0.0.1:{port}";
        using (var db = ZgDatabase.Connect<BlogDb>(address, new ZgClientOptions { Token = TestServerFixture.Token, HttpHandler = Trusting(certificate) }))
        {
            db.Users.Insert(new User { Name = "over TLS", Age = 5 });
            Assert.Equal(["over TLS"], db.Users.Where(u => u.Age == 5).Select(u => u.Name).ToList());
        }
        // The machine does not trust the self-signed certificate: refused by the client, clearly.
        var untrusted = Assert.Throws<ZgDbConnectionException>(() => ZgDatabase.Connect<BlogDb>(address, new ZgClientOptions { Token = TestServerFixture.Token, MaxRetries = 0 }));
        Assert.Contains(address, untrusted.Message);
        // Plain HTTP/2 to the TLS endpoint is not served.
        Assert.Throws<ZgDbConnectionException>(() => ZgDatabase.Connect<BlogDb>($"zgdb://127.0.0.1:{port}", new ZgClientOptions { Token = TestServerFixture.Token, MaxRetries = 0, CallTimeout = TimeSpan.FromSeconds(5) }));
        await app.StopAsync();
    }

    /// <summary>A certificate for 127.0.0.1 valid for a day, with its private key (exported and loaded again, as Kestrel needs on every platform).</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server authentication
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    /// <summary>A handler that trusts exactly <paramref name="certificate"/> (pinned by thumbprint), as a client of a self-signed server would be configured.</summary>
    private static SocketsHttpHandler Trusting(X509Certificate2 certificate) => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString() },
    };
}
