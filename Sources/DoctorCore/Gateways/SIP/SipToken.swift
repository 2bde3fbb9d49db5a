/// Random tokens for branch, tag and Call-ID. The generator is a parameter so tests pin the exact bytes; the prober
/// passes SystemRandomNumberGenerator. Each character comes straight from `next()` (not `random(in:using:)`, whose
/// algorithm the standard library may change) so a fixed generator gives the same request on every toolchain.
public enum SipToken {
    /// The RFC 3261 8.1.1.7 magic cookie: a branch that starts with it promises to be unique per transaction.
    public static let magicCookie = "z9hG4bK"

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// `count` characters of [a-z0-9]: a SIP `token` and safe in every header we put it in.
    public static func make(_ count: Int, using generator: inout some RandomNumberGenerator) -> String {
        String((0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    /// A new transaction's branch: the magic cookie followed by 96 bits or more of randomness.
    public static func branch(using generator: inout some RandomNumberGenerator) -> String {
        magicCookie + make(20, using: &generator)
    }
}
