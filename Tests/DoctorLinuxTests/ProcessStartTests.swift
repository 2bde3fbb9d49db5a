import Foundation
import Testing
@testable import DoctorNetwork

/// What every start of the binary costs (issue 17): OpenSSL is loaded on first TLS use, not at start.
@Suite struct ProcessStartTests {
    @Test func theBinaryDoesNotLinkOpenSSL() throws {
        let result = try Binary.runTool("/usr/bin/readelf", ["--dynamic", "--wide", Binary.path], stdin: "")
        #expect(result.status == 0, "readelf: \(result.stderr)")
        let needed = result.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(!needed.isEmpty, "no NEEDED entries in \(result.stdout)")
        #expect(!needed.contains { $0.contains("libssl") || $0.contains("libcrypto") }, "\(needed)")
    }

    @Test func aTLSEngineLoadsOpenSSL() throws {
        let engine = try TLSEngine(host: "pbx.example", policy: TLSPolicy(trust: .insecure))
        // The first handshake step writes a ClientHello (a TLS handshake record: content type 22).
        #expect(engine.handshake() == .wantRead)
        #expect(engine.drainOutgoing().first == 22)
        let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
        #expect(maps.contains("libssl.so.3"))
    }
}
