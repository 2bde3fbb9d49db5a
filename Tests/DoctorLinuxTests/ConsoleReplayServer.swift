import Foundation
import Testing
@testable import DoctorCore

/// Tests/Fakes/console_replay_server.py on a Unix socket in a fresh directory: Asterisk's control socket, replaying
/// the CLI text of Tests/DoctorCoreTests/Fixtures/console. One per test; stopped on deinit.
final class ConsoleReplayServer {
    static let script = AMIReplayServer.testsDirectory + "/Fakes/console_replay_server.py"
    static let fixtures = AMIReplayServer.testsDirectory + "/DoctorCoreTests/Fixtures/console"

    let socketPath: String
    private let directory: String
    private let process = Process()
    private let input = Pipe()
    private let logPath: String

    init(_ behaviour: String = "normal", state: String = "", dahdiState: String = "", delay: Double? = nil) throws {
        directory = try Fixtures.temporaryDirectory()
        socketPath = directory + "/asterisk.ctl"
        logPath = directory + "/commands.log"
        var arguments = [Self.script, "--fixtures", Self.fixtures, "--socket", socketPath, "--behaviour", behaviour,
                         "--state", state, "--dahdi-state", dahdiState, "--log", logPath]
        if let delay { arguments += ["--delay", String(delay)] }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        guard firstLine(of: output).hasPrefix("READY") else {
            process.terminate()
            throw AMIReplayServer.ServerError(message: "the console replay server did not start")
        }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The commands the server received, in order.
    var commands: [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
