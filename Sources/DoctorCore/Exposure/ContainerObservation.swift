/// Whether dahdi-doctor, and Asterisk when its process is visible, run in a container, and what the DAHDI device
/// nodes look like from there. Read through injectable roots (the file system root, procfs, sysfs, devfs).
public struct ContainerObservation: Sendable, Hashable, Codable {
    /// One sign of a container, with where it was seen.
    public struct Marker: Sendable, Hashable, Codable {
        /// `docker`, `podman`, `lxc`, `kubernetes`, `containerd`, `systemd-nspawn`, `overlay-root`...
        public var kind: String
        public var detail: String
        public var source: String
        public init(kind: String, detail: String, source: String) { self.kind = kind; self.detail = detail; self.source = source }
    }

    /// A node under /dev/dahdi: owner, group and mode as stat(2) gives them.
    public struct DeviceNode: Sendable, Hashable, Codable {
        public var path: String
        public var uid: UInt32
        public var gid: UInt32
        /// Permission bits (0o7777).
        public var mode: UInt32
        public var isCharacterDevice: Bool
        public init(path: String, uid: UInt32, gid: UInt32, mode: UInt32, isCharacterDevice: Bool) {
            self.path = path; self.uid = uid; self.gid = gid; self.mode = mode; self.isCharacterDevice = isCharacterDevice
        }

        /// Whether a process with these credentials gets read and write access (chan_dahdi opens O_RDWR).
        public func readWritable(uid user: UInt32, gids: [UInt32]) -> Bool {
            if user == 0 { return true }
            let bits: UInt32
            if user == uid { bits = mode >> 6 } else if gids.contains(gid) { bits = mode >> 3 } else { bits = mode }
            return bits & 0o6 == 0o6
        }

        public var modeText: String { "0" + String(mode & 0o7777, radix: 8) }
    }

    /// The Asterisk process, found by its name under procfs.
    public struct AsteriskProcess: Sendable, Hashable, Codable {
        public var pid: Int
        public var uid: UInt32
        public var gid: UInt32
        /// Supplementary groups (`Groups:` in /proc/PID/status).
        public var groups: [UInt32]
        public var markers: [Marker]
        /// Whether /proc/PID/root/dev/dahdi/ctl exists: /dev as Asterisk's mount namespace sees it. Nil when it
        /// could not be looked at (no permission).
        public var seesControlDevice: Bool?
        public init(pid: Int, uid: UInt32, gid: UInt32, groups: [UInt32], markers: [Marker] = [], seesControlDevice: Bool? = nil) {
            self.pid = pid; self.uid = uid; self.gid = gid; self.groups = groups; self.markers = markers
            self.seesControlDevice = seesControlDevice
        }
    }

    /// asterisk.conf's runuser/rungroup resolved through passwd and group under the etc root (used when the
    /// process is not visible).
    public struct RunUser: Sendable, Hashable, Codable {
        public var user: String
        public var uid: UInt32?
        public var gids: [UInt32]
        public var source: String
        public init(user: String, uid: UInt32?, gids: [UInt32], source: String) {
            self.user = user; self.uid = uid; self.gids = gids; self.source = source
        }
    }

    /// Signs that dahdi-doctor itself runs in a container; empty on a plain host.
    public var markers: [Marker]
    /// /sys/module/dahdi: sysfs shows the host kernel's modules even inside a container.
    public var hostModuleLoaded: Bool
    /// The /dev/dahdi nodes dahdi-doctor sees (ctl, channel, pseudo, timer, and numbered channels); nil when the
    /// directory is missing.
    public var deviceNodes: [DeviceNode]?
    public var devfsRoot: String
    public var asteriskProcess: AsteriskProcess?
    public var runUser: RunUser?

    public init(markers: [Marker] = [], hostModuleLoaded: Bool = false, deviceNodes: [DeviceNode]? = nil,
                devfsRoot: String = "/dev", asteriskProcess: AsteriskProcess? = nil, runUser: RunUser? = nil) {
        self.markers = markers; self.hostModuleLoaded = hostModuleLoaded; self.deviceNodes = deviceNodes
        self.devfsRoot = devfsRoot; self.asteriskProcess = asteriskProcess; self.runUser = runUser
    }

    public var inContainer: Bool { !markers.isEmpty }
}

/// Pure readers of the container signs, over file contents the Linux side hands in.
public enum ContainerSigns {
    /// `/proc/1/cgroup` (v1 paths, or a v2 path when there is no cgroup namespace).
    public static func fromCgroup(_ text: String, source: String) -> [ContainerObservation.Marker] {
        let lowered = text.lowercased()
        let known: [(String, String)] = [("kubepods", "kubernetes"), ("/docker", "docker"), ("docker-", "docker"),
                                         ("libpod", "podman"), ("/lxc", "lxc"), ("containerd", "containerd"),
                                         ("machine.slice/machine-", "systemd-nspawn")]
        for (needle, kind) in known where lowered.contains(needle) {
            let line = text.split(separator: "\n").first { $0.lowercased().contains(needle) }.map(String.init) ?? needle
            return [ContainerObservation.Marker(kind: kind, detail: line.trimmingBlanks(), source: source)]
        }
        return []
    }

    /// `/proc/1/environ`: `container=docker|podman|lxc|systemd-nspawn|oci` (NUL-separated).
    public static func fromEnviron(_ text: String, source: String) -> [ContainerObservation.Marker] {
        for entry in text.split(whereSeparator: { $0 == "\0" || $0 == "\n" }) where entry.hasPrefix("container=") {
            let value = String(entry.dropFirst("container=".count))
            return [ContainerObservation.Marker(kind: value.isEmpty ? "container" : value, detail: "container=\(value)", source: source)]
        }
        return []
    }

    /// `/proc/self/mountinfo`: the root mount's file system type; overlay is what Docker, Podman and containerd
    /// give a container.
    public static func fromMountinfo(_ text: String, source: String) -> [ContainerObservation.Marker] {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[4] == "/", let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            let type = String(fields[dash + 1])
            if type == "overlay" || type == "fuse-overlayfs" || type == "aufs" {
                return [ContainerObservation.Marker(kind: "overlay-root", detail: "/ is \(type)", source: source)]
            }
        }
        return []
    }

    /// `Uid:`, `Gid:` and `Groups:` of /proc/PID/status (real uid and gid, the first column).
    public static func credentials(status: String) -> (uid: UInt32, gid: UInt32, groups: [UInt32])? {
        var uid: UInt32?, gid: UInt32?, groups: [UInt32] = []
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let key = parts.first else { continue }
            switch key {
            case "Uid:": uid = parts.count > 1 ? UInt32(parts[1]) : nil
            case "Gid:": gid = parts.count > 1 ? UInt32(parts[1]) : nil
            case "Groups:": groups = parts.dropFirst().compactMap { UInt32($0) }
            default: break
            }
        }
        guard let uid, let gid else { return nil }
        return (uid, gid, groups)
    }

    /// Resolves a user (and optional group) through passwd/group text: the user's primary gid, the named group, and
    /// every group listing the user (Asterisk calls initgroups() when it drops root).
    public static func resolve(user: String, group: String?, passwd: String?, groupFile: String?) -> (uid: UInt32?, gids: [UInt32]) {
        var uid: UInt32? = UInt32(user)
        var gids: [UInt32] = []
        for line in (passwd ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count >= 4, fields[0] == user {
                uid = UInt32(fields[2])
                if let gid = UInt32(fields[3]) { gids.append(gid) }
            }
        }
        for line in (groupFile ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, let gid = UInt32(fields[2]) else { continue }
            let members = fields[3].split(separator: ",").map(String.init)
            if (group.map { fields[0] == $0 } ?? false) || members.contains(user) { gids.append(gid) }
        }
        if let group, let numeric = UInt32(group) { gids.append(numeric) }
        var seen = Set<UInt32>()
        return (uid, gids.filter { seen.insert($0).inserted })
    }
}
