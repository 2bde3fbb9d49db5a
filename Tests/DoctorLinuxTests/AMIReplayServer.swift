import Foundation
import Testing
@testable import DoctorCore

/// Tests/Fakes/ami_replay_server.py run on 127.0.0.1 (or ::1) with an ephemeral port: a real TCP (or TLS) server
/// that replays the captured AMI bytes from Tests/DoctorCoreTests/Fixtures/ami. One per test; stopped on deinit.
final class AMIReplayServer {
    static let testsDirectory: String = {
        let file = #filePath
        let here = file[..<file.lastIndex(of: "/")!]
        return String(here[..<here.lastIndex(of: "/")!])
    }()
    static let script = testsDirectory + "/Fakes/ami_replay_server.py"
    static let fixtures = testsDirectory + "/DoctorCoreTests/Fixtures/ami"

    /// The lab's AMI user (manager.conf [doctor]); the server checks the secret, never prints it.
    static let labUser = "doctor"
    static let labSecret = "doctor-lab-secret"
    static let credentials = AMICredentials(username: labUser, secret: labSecret, source: "test credentials")

    struct TLSFiles {
        var certificate: String
        var key: String
    }

    let port: Int
    let host: String
    private let process = Process()
    private let input = Pipe()
    private let logPath: String

    init(_ behaviour: String = "normal", state: String = "", host: String = "127.0.0.1", delay: Double? = nil,
         items: Int? = nil, tls: TLSFiles? = nil, extra: [String] = [],
         user: String = AMIReplayServer.labUser, secret: String = AMIReplayServer.labSecret) throws {
        self.host = host
        logPath = NSTemporaryDirectory() + "ami-replay-\(UUID().uuidString).log"
        var arguments = [Self.script, "--fixtures", Self.fixtures, "--behaviour", behaviour, "--state", state,
                         "--host", host, "--log", logPath]
        if let delay { arguments += ["--delay", String(delay)] }
        if let items { arguments += ["--items", String(items)] }
        if let tls { arguments += ["--tls-cert", tls.certificate, "--tls-key", tls.key] }
        arguments += extra
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["AMI_REPLAY_USER"] = user
        environment["AMI_REPLAY_SECRET"] = secret
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        let text = firstLine(of: output)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            process.terminate()
            throw ServerError(message: "the replay server did not start: \(text)")
        }
        self.port = port
    }

    struct ServerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// The actions the server received, in order (names only: the server never logs fields).
    var actions: [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The actions once at least `count` have arrived (or after `seconds`): the server logs a line when its thread
    /// gets to it, which on a loaded machine can be after the client has already given up and returned.
    func actions(atLeast count: Int, within seconds: Double = 10) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        var seen = actions
        while seen.count < count, Date() < deadline {
            usleep(20_000)
            seen = actions
        }
        return seen
    }

    func endpoint(tls: AMITLSOptions? = nil) -> AMIEndpoint {
        AMIEndpoint(host: host, port: port, tls: tls)
    }
}

/// A self-signed certificate for localhost and 127.0.0.1, made at test time with Debian's openssl.
enum TestCertificate {
    static func make() throws -> (files: AMIReplayServer.TLSFiles, directory: String) {
        let directory = try Fixtures.temporaryDirectory()
        let files = AMIReplayServer.TLSFiles(certificate: directory + "/cert.pem", key: directory + "/key.pem")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                             "-keyout", files.key, "-out", files.certificate]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw AMIReplayServer.ServerError(message: "openssl req failed (\(process.terminationStatus))")
        }
        return (files, directory)
    }
}

enum AMITestChecks {
    /// The lab secrets, named by index only in failures.
    static let labSecrets = ["doctor-lab-secret", "fxo1-lab-secret", "fxo2-lab-secret", "agent1000-lab-secret",
                             "trunk-lab-secret"]

    static func expectNoSecret(_ observation: AsteriskObservation, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let json = try JSONOutput.encode(observation) + "\(observation)"
        for (index, secret) in labSecrets.enumerated() where json.contains(secret) {
            Issue.record("lab secret #\(index) leaked into the observation", sourceLocation: sourceLocation)
        }
    }

    /// `#expect(!text.contains(secret))` would print `text`, secret included, when it fails: this never does.
    static func expectAbsent(_ secret: String, in text: String, _ what: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        if text.contains(secret) { Issue.record("the test secret leaked into \(what)", sourceLocation: sourceLocation) }
    }

    /// Every read of the observation, with its name.
    static func results(_ observation: AsteriskObservation) -> [(String, AMIFailure?)] {
        [("PJSIPShowEndpoints", observation.endpoints?.failure), ("PJSIPShowContacts", observation.contacts?.failure),
         ("PJSIPShowAors", observation.aors?.failure),
         ("PJSIPShowRegistrationsOutbound", observation.outboundRegistrations?.failure),
         ("DAHDIShowChannels", observation.dahdiChannels?.failure), ("DAHDIShowStatus", observation.dahdiSpans?.failure)]
    }
}

/// A started fake's first line on stdout (its READY or PORT announcement), read up to the first newline; empty when
/// the process died before writing it.
func firstLine(of output: Pipe) -> String {
    var line = Data()
    while !line.contains(0x0A) {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        line.append(chunk)
    }
    return String(decoding: line, as: UTF8.self)
}
