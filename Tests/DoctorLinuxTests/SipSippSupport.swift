import DoctorCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// sipp (Debian package sip-tester) running one UAS scenario on 127.0.0.1, as a real far end for the prober.
/// Missing sipp is a failure with the fix, never a silent skip: these tests are the prober's proof.
final class SippServer {
    static let executable = "/usr/bin/sipp"

    struct Missing: Error, CustomStringConvertible {
        var description: String { "install sip-tester (Tools/setup): \(SippServer.executable) not found" }
    }

    struct NotListening: Error, CustomStringConvertible {
        var port: Int
        var log: String
        var description: String { "sipp did not start listening on 127.0.0.1:\(port):\n\(log)" }
    }

    let scenario: String
    let transport: SipProbeResult.Transport
    let port: Int
    private var pid: pid_t = 0
    private let directory: String

    /// `scenario` names a file in Fixtures/sipp without its .xml.
    init(_ scenario: String, transport: SipProbeResult.Transport) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else { throw Missing() }
        self.scenario = scenario
        self.transport = transport
        self.port = try FreePort.loopback()
        directory = try Fixtures.temporaryDirectory()
        // u1/t1: one socket for every call; -nostdin: no keyboard; -timeout: sipp quits by itself if a test dies.
        let arguments = [Self.executable, "-sf", Fixtures.directory + "/sipp/\(scenario).xml", "-i", "127.0.0.1",
                         "-p", String(port), "-t", transport == .udp ? "u1" : "t1", "-nostdin", "-timeout", "120"]
        pid = try Self.spawn(arguments, log: directory + "/sipp.log")
        try waitUntilListening()
    }

    var target: SipProbeTarget { SipProbeTarget("127.0.0.1:\(port)", transport: transport) }

    func stop() {
        if pid > 0 {
            kill(pid, SIGTERM)
            var status: CInt = 0
            // sipp stops at once on SIGTERM; SIGKILL only if it has not after a second.
            var waited = 0
            while waitpid(pid, &status, WNOHANG) == 0 {
                if waited == 100 { kill(pid, SIGKILL) }
                usleep(10_000)
                waited += 1
            }
            pid = 0
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }

    /// posix_spawn rather than Foundation's Process: Process passes on the test thread's signal mask, which blocks
    /// SIGTERM and SIGALRM, so sipp would neither stop when asked nor honour -timeout. Here the child starts with
    /// no signal blocked and default handlers.
    static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL) }
        return pid
    }

    /// sipp takes a moment to bind; its socket shows in /proc/net/{udp,tcp} once it does.
    private func waitUntilListening() throws {
        let table = transport == .udp ? "/proc/net/udp" : "/proc/net/tcp"
        let local = String(format: "0100007F:%04X", port)
        for _ in 0..<500 {
            let lines = (try? String(contentsOfFile: table, encoding: .utf8))?.split(separator: "\n") ?? []
            let bound = lines.contains { line in
                let fields = line.split(separator: " ")
                // TCP must be in LISTEN (0A); a UDP socket is ready once bound.
                return fields.count > 3 && fields[1] == local && (transport == .udp || fields[3] == "0A")
            }
            if bound { return }
            var status: CInt = 0
            if waitpid(pid, &status, WNOHANG) == pid { pid = 0; break }
            usleep(10_000)
        }
        let log = (try? String(contentsOfFile: directory + "/sipp.log", encoding: .utf8)) ?? ""
        stop()
        throw NotListening(port: port, log: String(log.suffix(2000)))
    }
}

enum FreePort {
    /// A port on 127.0.0.1 free for both UDP and TCP right now (the kernel picks it; a race with another process
    /// taking it before sipp binds is possible but unlikely, and then sipp's bind fails loudly).
    static func loopback() throws -> Int {
        for _ in 0..<20 {
            let stream = try boundSocket(SOCK_STREAM, port: 0)
            defer { close(stream.fd) }
            guard let datagram = try? boundSocket(SOCK_DGRAM, port: stream.port) else { continue }
            close(datagram.fd)
            return stream.port
        }
        throw POSIXError(.EADDRINUSE)
    }

    static func boundSocket(_ type: __socket_type, port: Int) throws -> (fd: CInt, port: Int) {
        let fd = socket(AF_INET, CInt(type.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// A TCP port whose SYNs go unanswered: a listener with backlog 0 whose one slot is taken by a connection nobody
/// accepts, so the kernel drops further SYNs and a connect hangs, as it does towards a firewalled gateway.
final class StalledTCPListener {
    let port: Int
    private let listener: CInt
    private let filler: CInt

    init() throws {
        (listener, port) = try FreePort.boundSocket(SOCK_STREAM, port: 0)
        guard listen(listener, 0) == 0 else { throw POSIXError(.EINVAL) }
        filler = socket(AF_INET, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit {
        close(filler)
        close(listener)
    }
}
