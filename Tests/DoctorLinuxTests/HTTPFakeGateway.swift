import Foundation
import Testing
import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem

/// Tests/Fakes/gateway_http_server.py, started for one test on 127.0.0.1 with the ephemeral port it prints, and
/// stopped (this process only, by its own handle) when the test is done.
final class FakeGateway {
    static let testsDirectory: String = {
        let file = #filePath
        let here = String(file[..<file.lastIndex(of: "/")!])
        return String(here[..<here.lastIndex(of: "/")!])
    }()
    static let script = testsDirectory + "/Fakes/gateway_http_server.py"
    static let fixtures = testsDirectory + "/DoctorCoreTests/Fixtures/gateways"

    let process = Process()
    /// The server's stdin: it exits when this closes, even if SIGTERM is blocked in the mask it inherited.
    private let lifeline = Pipe()
    let port: Int
    let logPath: String

    struct StartFailure: Error, CustomStringConvertible { var description: String }

    init(profile: String, status: String, voice: String? = nil, username: String = "admin", password: String,
         auth: String = "none", behaviour: String = "normal", delay: Double = 3, extra: [String] = []) throws {
        logPath = NSTemporaryDirectory() + "fake-gateway-\(UUID().uuidString).log"
        var arguments = [Self.script, "--profile", profile, "--fixtures", Self.fixtures + "/" + profile,
                         "--status", status, "--username", username, "--password", password, "--auth", auth,
                         "--behaviour", behaviour, "--delay", String(delay), "--log", logPath]
        if let voice { arguments += ["--voice", voice] }
        arguments += extra
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = lifeline
        try process.run()
        // The first line is `PORT <n>`; an empty read means the server died before listening.
        let text = firstLine(of: output).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            try? lifeline.fileHandleForWriting.close()
            process.terminate()
            process.waitUntilExit()
            throw StartFailure(description: "the fake gateway did not start: \(text)")
        }
        self.port = port
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// Ends this test's server: closing its stdin makes it exit; SIGTERM is sent as well.
    func stop() {
        try? lifeline.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    func reader(timeout: Double = 3) -> GatewayStatusReader {
        GatewayStatusReader(host: "127.0.0.1", port: port, timeoutSeconds: timeout)
    }

    /// The requests the server saw, one dictionary each (method, path, cookie, auth scheme, Digest nc).
    func requests() -> [[String: String]] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        }
    }
}
