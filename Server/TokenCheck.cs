using System.Security.Cryptography;
using System.Text;

namespace ZgDb.Server;

/// <summary>
/// Bearer tokens compared in constant time: each configured token and the presented one are hashed (SHA-256) and
/// the hashes compared with <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the content nor the length
/// of a token leaks through timing; every configured token is compared, a match or not.
/// </summary>
internal sealed class TokenCheck(IReadOnlyList<string> tokens)
{
    private readonly byte[][] _hashes = tokens.Where(t => t.Length > 0).Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t))).ToArray();

    /// <summary>Whether the <c>authorization</c> header value is <c>Bearer</c> and one of the tokens.</summary>
    public bool Accepts(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        bool accepted = false;
        foreach (var hash in _hashes) accepted |= CryptographicOperations.FixedTimeEquals(hash, presented);
        return accepted;
    }
}
