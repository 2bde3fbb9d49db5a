#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DoctorCore
import DoctorSystem

/// Why one console command could not be run.
public enum AsteriskConsoleError: Error, Sendable, Hashable, CustomStringConvertible {
    case socketMissing(path: String)
    case notASocket(path: String)
    case notPermitted(path: String)
    case connect(path: String, error: SystemError)
    /// Nothing (more) within the deadline; `stage` is what was awaited.
    case timeout(path: String, stage: String, budget: Duration)
    case closedBeforeBanner(path: String)
    /// The first line is not Asterisk's "host/pid/version" greeting (quoted, cut to 80 characters).
    case notAsterisk(path: String, excerpt: String)
    case outputTooLarge(path: String, limit: Int)
    case io(path: String, error: SystemError)

    public var description: String {
        switch self {
        case .socketMissing(let path): "\(path) does not exist (Asterisk not running, or another astrundir in asterisk.conf)"
        case .notASocket(let path): "\(path) is not a socket"
        case .notPermitted(let path): "\(path): permission denied (root or Asterisk's group may connect)"
        case .connect(let path, let error): "cannot connect to \(path): \(error)"
        case .timeout(let path, let stage, let budget): "\(path): no \(stage) within \(budget.shortDescription)"
        case .closedBeforeBanner(let path): "\(path) closed the connection before Asterisk's greeting"
        case .notAsterisk(let path, let excerpt): "\(path) does not greet like Asterisk's console: \"\(excerpt)\""
        case .outputTooLarge(let path, let limit): "\(path): the command printed more than \(limit) bytes"
        case .io(let path, let error): "\(path): \(error)"
        }
    }

    /// The same failure vocabulary as AMI's, so the checks read both alike.
    public func failure(action: String?) -> AMIFailure {
        let kind: AMIFailure.Kind
        switch self {
        case .socketMissing, .notASocket, .connect: kind = .connect
        case .notPermitted: kind = .permission
        case .timeout: kind = .timeout
        case .closedBeforeBanner, .io: kind = .closed
        case .notAsterisk, .outputTooLarge: kind = .protocolError
        }
        return AMIFailure(kind: kind, action: action, message: description)
    }
}

/// One command on Asterisk's control socket, as `asterisk -rx` runs it (see ConsoleProtocol.swift): connect, read
/// the greeting, send "cli quit after COMMAND\0", read until Asterisk closes. Every wait is bounded by the deadline
/// and every read by a size limit.
public struct AsteriskConsoleClient: Sendable {
    public var socketPath: String
    /// Connect and greeting; then the command's whole output.
    public var timeouts: AMITimeouts
    public var outputLimit: Int

    public init(socketPath: String, timeouts: AMITimeouts = AMITimeouts(), outputLimit: Int = 8 << 20) {
        self.socketPath = socketPath; self.timeouts = timeouts; self.outputLimit = outputLimit
    }

    /// Whether the socket is there and this process may connect to it (the condition for using the console).
    public static func usable(_ path: String) -> Bool { system_consoleSocketFile(path) == .usable }

    public func run(_ command: String, deadline overall: ContinuousClock.Instant) throws(AsteriskConsoleError)
        -> (banner: AsteriskConsoleBanner, output: [UInt8]) {
        let path = socketPath
        switch system_consoleSocketFile(path) {
        case .missing: throw .socketMissing(path: path)
        case .notASocket: throw .notASocket(path: path)
        case .notPermitted: throw .notPermitted(path: path)
        case .usable: break
        }
        let fd: CInt
        switch system_connectUnix(path) {
        case .failure(let error):
            if error.isPermissionDenied { throw .notPermitted(path: path) }
            if error.isNotFound { throw .socketMissing(path: path) }
            throw .connect(path: path, error: error)
        case .success(let started):
            fd = started.fd
            if !started.connected {
                try wait(fd, .writable, until: min(overall, .now + timeouts.connect), stage: "connection", budget: timeouts.connect)
                if let error = system_socketError(fd) { system_close(fd); throw .connect(path: path, error: error) }
            }
        }
        defer { system_close(fd) }

        // The greeting: one line, read before the command is sent (as ast_remotecontrol does).
        let greetingDeadline = min(overall, .now + timeouts.connect)
        var received: [UInt8] = []
        while !received.contains(0x0A) {
            guard received.count < 1024 else {
                throw .notAsterisk(path: path, excerpt: String(String(decoding: received.prefix(80), as: UTF8.self).filter { !$0.isNewline }))
            }
            try wait(fd, .readable, until: greetingDeadline, stage: "greeting", budget: timeouts.connect)
            if try receive(fd, into: &received, limit: 4096) == false {
                if received.isEmpty { throw .closedBeforeBanner(path: path) }
                break
            }
        }
        guard let banner = AsteriskConsoleBanner.parse(received), let newline = received.firstIndex(of: 0x0A) else {
            let line = received.prefix { $0 != 0x0A }.prefix(80)
            throw .notAsterisk(path: path, excerpt: String(decoding: line, as: UTF8.self))
        }
        var output = Array(received[(newline + 1)...])

        // The command, NUL-terminated, then everything until Asterisk closes the connection.
        let requestDeadline = min(overall, .now + timeouts.request)
        var request = AsteriskConsoleProtocol.request(command)[...]
        while !request.isEmpty {
            try wait(fd, .writable, until: requestDeadline, stage: "room to send the command", budget: timeouts.request)
            let sent = Array(request).withUnsafeBytes { system_send(fd, $0) }
            switch sent {
            case .success(.bytes(let count)): request = request.dropFirst(count)
            case .success(.wouldBlock): continue
            case .success(.endOfStream): throw .closedBeforeBanner(path: path)
            case .failure(let error): throw .io(path: path, error: error)
            }
        }
        while true {
            try wait(fd, .readable, until: requestDeadline, stage: "end of the output of '\(command)'", budget: timeouts.request)
            if try receive(fd, into: &output, limit: outputLimit) == false { break }
        }
        return (banner, output)
    }

    /// One read into `bytes`: true while the stream goes on, false at its end.
    private func receive(_ fd: CInt, into bytes: inout [UInt8], limit: Int) throws(AsteriskConsoleError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let result = chunk.withUnsafeMutableBytes { system_receive(fd, into: $0) }
        switch result {
        case .success(.bytes(let count)):
            guard bytes.count + count <= limit else { throw .outputTooLarge(path: socketPath, limit: limit) }
            bytes += chunk[..<count]
            return true
        case .success(.wouldBlock): return true
        case .success(.endOfStream): return false
        case .failure(let error):
            // ECONNRESET after the output: Asterisk closed with our bytes unread; what arrived is the answer.
            if error.code == ECONNRESET { return false }
            throw .io(path: socketPath, error: error)
        }
    }

    private func wait(_ fd: CInt, _ interest: PollInterest, until deadline: ContinuousClock.Instant, stage: String,
                      budget: Duration) throws(AsteriskConsoleError) {
        guard let milliseconds = millisecondsLeft(until: deadline) else { throw .timeout(path: socketPath, stage: stage, budget: budget) }
        switch system_poll(fd, for: interest, milliseconds: milliseconds) {
        case .success(true): return
        case .success(false): throw .timeout(path: socketPath, stage: stage, budget: budget)
        case .failure(let error): throw .io(path: socketPath, error: error)
        }
    }
}
