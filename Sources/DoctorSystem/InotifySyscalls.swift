// inotify(7): the agent's watch on the configuration directories. Read-only: watches only report.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Unsupported Platform")
#endif
import DoctorCore

/// A non-blocking, close-on-exec inotify instance.
package func system_inotifyOpen() -> Result<CInt, SystemError> {
    valueOrErrno { inotify_init1(CInt(IN_NONBLOCK | IN_CLOEXEC)) }
}

/// What a configuration directory's watch reports: a file written and closed, moved in or out, created, deleted,
/// its mode or owner changed; and the directory itself deleted or moved (its watch is then gone).
package let system_inotifyConfigMask: UInt32 = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE
    | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) | UInt32(IN_ONLYDIR)

/// Watches directory `path`; the watch descriptor.
package func system_inotifyWatch(_ fd: CInt, _ path: String, mask: UInt32) -> Result<CInt, SystemError> {
    valueOrErrno { inotify_add_watch(fd, path, mask) }
}

package struct InotifyEvent: Sendable, Hashable {
    package var watch: CInt
    package var mask: UInt32
    package var name: String
    /// The watched directory is gone (deleted, moved, its file system unmounted): its watch no longer reports.
    package var watchEnded: Bool { mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT) != 0 }
    /// The kernel's queue overflowed: events were lost.
    package var overflowed: Bool { mask & UInt32(IN_Q_OVERFLOW) != 0 }
}

/// Reads every event queued now (non-blocking: an empty queue is an empty list).
package func system_inotifyRead(_ fd: CInt) -> Result<[InotifyEvent], SystemError> {
    var events: [InotifyEvent] = []
    var buffer = [UInt8](repeating: 0, count: 8192)
    let header = MemoryLayout<inotify_event>.size
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .success(events) }
            return .failure(SystemError(errno: code))
        }
        if count == 0 { return .success(events) }
        var offset = 0
        buffer.withUnsafeBytes { raw in
            while offset + header <= count {
                let watch = raw.loadUnaligned(fromByteOffset: offset, as: CInt.self)
                let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let nameBytes = raw[(offset + header)..<min(count, offset + header + length)]
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                events.append(InotifyEvent(watch: watch, mask: mask, name: name))
                offset += header + length
            }
        }
    }
}
