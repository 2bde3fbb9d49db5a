import DoctorCore
import DoctorSystem

/// A connected byte stream to Asterisk (plain TCP or TLS over it). Every call ends by its deadline: it returns what
/// arrived, or throws `.timeout`, `.closed` (the peer went away) or `.tls`.
protocol AMIByteStream: AnyObject {
    /// "127.0.0.1:5038": the address actually connected to.
    var peer: String { get }
    /// The next bytes, at least one; an empty array when the peer closed the connection cleanly.
    func read(deadline: ContinuousClock.Instant) throws(AMIFailure) -> [UInt8]
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(AMIFailure)
    func close()
}

/// Milliseconds left until `deadline` for poll(), rounded up so a wait never ends early; nil when it has passed.
func millisecondsLeft(until deadline: ContinuousClock.Instant) -> CInt? {
    let left = deadline - .now
    guard left > .zero else { return nil }
    let (seconds, attoseconds) = left.components
    let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return CInt(clamping: milliseconds)
}
