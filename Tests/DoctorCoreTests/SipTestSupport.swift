@testable import DoctorCore

/// SplitMix64: a tiny generator with a fixed seed, so a request built in a test has the same branch, tag and
/// Call-ID on every run and toolchain.
struct SipFixedRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64 = 0x5EED_0F_D0C7) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// CRLF-terminated lines, as they travel: tests write messages one line per element.
func sipWire(_ lines: [String], body: String = "") -> [UInt8] {
    Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
}
