// A real server process for ZgDb.Server.Tests (RealServerProcessTests): the user's code of docs/SERVER.md, nothing
// more. Arguments: <directory> <url> <token>.
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ZgDb.Server;
using ZgDb.Server.Tests;

var builder = WebApplication.CreateBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(args[1]);
builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
builder.Services.AddZgDbServer<BlogDb>(args[0], o => o.Tokens.Add(args[2]));
var app = builder.Build();
app.MapZgDbServer();
app.Run();
