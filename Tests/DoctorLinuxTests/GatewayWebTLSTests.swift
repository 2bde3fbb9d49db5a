import Foundation
import Testing
@testable import DoctorCore
@testable import DoctorNetwork

/// HTTPS web status against a real local TLS server (Python's ssl module in the fake gateway) with a self-signed
/// certificate made by the openssl command: refused by default with a clear failure, accepted with its CA file or
/// its pinned SHA-256 fingerprint, refused with another pin, accepted and flagged with the insecure switch.
@Suite(.serialized) struct GatewayWebTLSTests {
    static let password = "Tls-Fixture-Pw1"

    struct Certificate {
        let directory: String
        var cert: String { directory + "/cert.pem" }
        var key: String { directory + "/key.pem" }
        let fingerprint: String
    }

    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl \(arguments.joined(separator: " "))")
        return String(decoding: data, as: UTF8.self)
    }

    static func makeCertificate() throws -> Certificate {
        let directory = NSTemporaryDirectory() + "gw-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem", "-days", "2",
                     "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        let text = try run(["x509", "-in", directory + "/cert.pem", "-noout", "-fingerprint", "-sha256"])
        // "sha256 Fingerprint=AB:CD:..."
        let fingerprint = String(text.split(separator: "=", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return Certificate(directory: directory, fingerprint: fingerprint)
    }

    static func server(_ certificate: Certificate) throws -> FakeGateway {
        try FakeGateway(profile: "cisco-spa112", status: "spa112-registered.xml", password: password,
                        extra: ["--tls-cert", certificate.cert, "--tls-key", certificate.key])
    }

    static func read(_ server: FakeGateway, _ tls: GatewayWebTLS) -> GatewayStatusResult {
        let result = GatewayStatusReader(host: "127.0.0.1", port: server.port, timeoutSeconds: 5, tls: tls)
            .read(profile: "cisco-spa112", credentials: .value(GatewayCredentials(username: nil, password: password)))
        #expect(!String(reflecting: result).contains(password))
        return result
    }

    @Test func verificationRefusesASelfSignedCertificateByDefault() throws {
        let certificate = try Self.makeCertificate()
        defer { try? FileManager.default.removeItem(atPath: certificate.directory) }
        let server = try Self.server(certificate)
        let failure = try #require(Self.read(server, GatewayWebTLS()).failure)
        #expect(failure.kind == .tls && failure.message.contains("certificate refused: self-signed certificate"), "\(failure)")
        #expect(server.requests().isEmpty)   // nothing, the password least of all, was sent
    }

    @Test func itsCAFileIsAccepted() throws {
        let certificate = try Self.makeCertificate()
        defer { try? FileManager.default.removeItem(atPath: certificate.directory) }
        let server = try Self.server(certificate)
        let result = Self.read(server, GatewayWebTLS(caFile: certificate.cert))
        #expect(try #require(result.value, "\(result)").ports.count == 2)
    }

    @Test func thePinIsAcceptedAndAnotherPinRefused() throws {
        let certificate = try Self.makeCertificate()
        defer { try? FileManager.default.removeItem(atPath: certificate.directory) }
        let server = try Self.server(certificate)
        let pin = try #require(GatewayWebTLS.parseFingerprint(certificate.fingerprint), "\(certificate.fingerprint)")
        let result = Self.read(server, GatewayWebTLS(fingerprintSHA256: pin))
        #expect(try #require(result.value, "\(result)").ports.map(\.registration) == [.registered, .registered])
        #expect(GatewayWebTLS(fingerprintSHA256: pin).security == .pinned)

        var other = pin
        other[0] ^= 0xFF
        let failure = try #require(Self.read(server, GatewayWebTLS(fingerprintSHA256: other)).failure)
        #expect(failure.kind == .tls && failure.message.contains("is not the pinned"), "\(failure)")
        #expect(failure.message.contains(certificate.fingerprint), "\(failure)")
    }

    @Test func insecureIsAcceptedAndFlagged() throws {
        let certificate = try Self.makeCertificate()
        defer { try? FileManager.default.removeItem(atPath: certificate.directory) }
        let server = try Self.server(certificate)
        let tls = GatewayWebTLS(insecure: true)
        let result = Self.read(server, tls)
        #expect(result.value != nil, "\(result)")
        // Through the observer, the gateway carries the trust used, and the report flags it.
        let gateway = GatewaySettings(name: "ata", address: "127.0.0.1", sipPort: 9, profile: "cisco-spa112",
                                      webPort: server.port, webTLS: tls)
        var observation = GatewayObservation(name: "ata", address: "127.0.0.1", profile: "cisco-spa112", status: result,
                                             webSecurity: gateway.webTLS?.security)
        observation.options = nil
        let findings = GatewayChecks().run(CheckContext(observation: try Self.observation(with: observation), generator: "test"))
        #expect(findings.contains { $0.id == "gateway-web-tls-unverified" })
    }

    @Test func plainHTTPToAnHTTPSPortFailsClearly() throws {
        let certificate = try Self.makeCertificate()
        defer { try? FileManager.default.removeItem(atPath: certificate.directory) }
        let server = try Self.server(certificate)
        let result = server.reader().read(profile: "cisco-spa112",
                                          credentials: .value(GatewayCredentials(username: nil, password: Self.password)))
        #expect(result.failure != nil && result.value == nil)
    }

    static func observation(with gateway: GatewayObservation) throws -> Observation {
        let data = try Data(contentsOf: URL(fileURLWithPath: FakeGateway.testsDirectory
                                                + "/DoctorCoreTests/Fixtures/observations/lab-healthy.json"))
        var observation = try JSONOutput.decode(Observation.self, from: String(decoding: data, as: UTF8.self))
        observation.gateways = [gateway]
        return observation
    }
}
