import DoctorCore
import DoctorSystem
import Synchronization

/// Watches the configuration directories (inotify) so the agent re-reads its slow tier (configuration and
/// Asterisk setup files, sysfs, /proc/dahdi) when one of their files is written, moved, created, deleted or has
/// its mode changed, instead of reading them every cycle. Not recursive: `#include`d files elsewhere, and anything
/// the kernel's queue dropped, are caught by the agent's periodic full read.
///
/// A directory that does not exist yet (or was deleted) is watched from the next `ensureWatches()` after it
/// appears; the agent calls it on every full read.
public final class ConfigWatcher: Sendable {
    public let directories: [String]
    private let fd: CInt
    private let watches = Mutex<[CInt: String]>([:])
    private let stopping = Atomic<Bool>(false)

    /// Fails when inotify cannot be used (no inotify in the kernel, the per-user instance limit reached).
    public init(directories: [String]) throws(SystemError) {
        var seen = Set<String>()
        self.directories = directories.filter { seen.insert($0).inserted }
        fd = try system_inotifyOpen().get()
    }

    deinit { system_close(fd) }

    /// What the agent watches: `ETC/dahdi`, `ETC/asterisk` and the directory of dahdi-doctor's settings file.
    public static func agentDirectories(etcRoot: String, settingsFile: String) -> [String] {
        let settingsDirectory: String
        if let slash = settingsFile.lastIndex(of: "/") {
            settingsDirectory = slash == settingsFile.startIndex ? "/" : String(settingsFile[..<slash])
        } else {
            settingsDirectory = "."
        }
        return [joinPath(etcRoot, "dahdi"), joinPath(etcRoot, "asterisk"), settingsDirectory]
    }

    /// Watches every listed directory that exists and is not watched yet; returns the ones being watched.
    @discardableResult
    public func ensureWatches() -> [String] {
        watches.withLock { watches in
            let watched = Set(watches.values)
            for directory in directories where !watched.contains(directory) && system_isDirectory(directory) {
                if case .success(let watch) = system_inotifyWatch(fd, directory, mask: system_inotifyConfigMask) {
                    watches[watch] = directory
                }
            }
            return watches.values.sorted()
        }
    }

    /// Starts the thread that reads the events; `handler` gets one reason per batch, e.g.
    /// "config: /etc/dahdi/system.conf (+2 more)". Editor scratch files (dot files, `*~`, `*.swp`) are ignored.
    public func start(_ handler: @escaping @Sendable (String) -> Void) throws(SystemError) {
        ensureWatches()
        let result = system_startThread(detached: true) { [self] in
            while !stopping.load(ordering: .acquiring) {
                // Blocks without waking while nothing changes; the timeout only bounds how long stop() lingers.
                guard case .success(true) = system_poll(fd, for: .readable, milliseconds: 5000) else { continue }
                guard case .success(let events) = system_inotifyRead(fd), !events.isEmpty else { continue }
                if let reason = reason(for: events) { handler(reason) }
            }
        }
        if case .failure(let error) = result { throw error }
    }

    public func stop() { stopping.store(true, ordering: .releasing) }

    /// Forgets ended watches and names what changed; nil when only scratch files moved.
    private func reason(for events: [InotifyEvent]) -> String? {
        var changed: [String] = []
        watches.withLock { watches in
            for event in events {
                let directory = watches[event.watch]
                if event.overflowed {
                    changed.append("events lost (inotify queue overflow)")
                } else if event.watchEnded {
                    if let directory { changed.append(directory) }
                    watches[event.watch] = nil
                } else if let directory, !Self.isScratch(event.name) {
                    changed.append(event.name.isEmpty ? directory : joinPath(directory, event.name))
                }
            }
        }
        var seen = Set<String>()
        let unique = changed.filter { seen.insert($0).inserted }
        guard let first = unique.first else { return nil }
        return "config: \(first)" + (unique.count > 1 ? " (+\(unique.count - 1) more)" : "")
    }

    /// Editors' swap and backup files, and dot files (rename-into-place temporaries are seen by their target name).
    static func isScratch(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".swx") || name == "4913"
    }
}
