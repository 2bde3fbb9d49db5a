#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3) without libsystemd: readiness, watchdog pings and status lines as datagrams to $NOTIFY_SOCKET.
/// Outside systemd (no NOTIFY_SOCKET) every call does nothing. This file makes its own few libc calls.
public struct SystemdNotifier: Sendable {
    /// The socket path; a leading '@' is an abstract socket name.
    public let socketPath: String?
    /// Half of WatchdogSec: how often the agent must ping, when systemd asked for a watchdog.
    public let watchdogPingInterval: Double?

    public static func fromEnvironment() -> SystemdNotifier {
        let path = getenv("NOTIFY_SOCKET").map { String(cString: $0) }
        var watchdog: Double?
        if let usec = getenv("WATCHDOG_USEC").flatMap({ UInt64(String(cString: $0)) }), usec > 0 {
            // WATCHDOG_PID, when set, names the process the watchdog is meant for.
            let forUs = getenv("WATCHDOG_PID").flatMap { Int32(String(cString: $0)) }.map { $0 == getpid() } ?? true
            if forUs { watchdog = Double(usec) / 2e6 }
        }
        return SystemdNotifier(socketPath: path.flatMap { $0.isEmpty ? nil : $0 }, watchdogPingInterval: watchdog)
    }

    public init(socketPath: String?, watchdogPingInterval: Double?) {
        self.socketPath = socketPath
        self.watchdogPingInterval = watchdogPingInterval
    }

    /// Sends "KEY=value" lines; returns false when there is no systemd to tell or the send failed (never fatal).
    @discardableResult
    public func notify(_ lines: [String]) -> Bool {
        guard let path = socketPath, path.utf8.count < 108 else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }   // abstract namespace
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let message = Array(lines.joined(separator: "\n").utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, length) }
            }
        }
        return sent == message.count
    }
}
