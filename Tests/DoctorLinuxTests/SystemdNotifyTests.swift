import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The agent under Type=notify: the test binds the datagram socket systemd would ($NOTIFY_SOCKET) and reads what
/// the real agent sends: READY=1 once it serves, WATCHDOG=1 pings at least every half WatchdogSec, STOPPING=1 on
/// SIGTERM.
@Suite(.serialized) struct SystemdNotifyTests {
    @Test func readyWatchdogAndStopping() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let notifyPath = dir + "/notify.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in notifyPath.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        // --interval 30: only the watchdog (WatchdogSec=1 s -> a ping every 0.5 s) can make it ping this often.
        process.arguments = AgentProcess.arguments(roots: .lab, socket: dir + "/doctor.sock", scratch: dir)
            .map { $0 == "0.5" ? "30" : $0 }
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notifyPath
        environment["WATCHDOG_USEC"] = "1000000"
        environment.removeValue(forKey: "WATCHDOG_PID")
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()

        var messages: [String] = []
        func receive(until deadline: Date, stopWhen: (String) -> Bool = { _ in false }) {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    let text = String(decoding: buffer[0..<count], as: UTF8.self)
                    messages.append(text)
                    if stopWhen(text) { return }
                }
            }
        }
        receive(until: Date().addingTimeInterval(10)) { $0.contains("READY=1") }
        #expect(messages.first?.contains("READY=1") == true, "\(messages)")
        #expect(messages.first?.contains("STATUS=serving \(dir)/doctor.sock") == true)
        messages.removeAll()
        receive(until: Date().addingTimeInterval(2.2))
        let pings = messages.filter { $0.contains("WATCHDOG=1") }.count
        #expect(pings >= 3, "expected a ping about every 0.5 s, got \(pings): \(messages)")
        #expect(messages.allSatisfy { $0.contains("STATUS=") })

        process.terminate()
        receive(until: Date().addingTimeInterval(5)) { $0.contains("STOPPING=1") }
        process.waitUntilExit()
        #expect(messages.contains { $0.contains("STOPPING=1") })
        #expect(process.terminationStatus == 0)
    }
}
