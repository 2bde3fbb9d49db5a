import DoctorCore
import DoctorSystem

/// Reads the container signs and the /dev/dahdi nodes (ContainerObservation), every path under an injectable root:
/// `fsRoot` for /.dockerenv and /run/.containerenv, procfs for PID 1 and the Asterisk process, sysfs for the
/// module, devfs for the nodes, etcRoot for asterisk.conf's runuser resolved through passwd and group.
public struct ContainerReader: Sendable {
    public var fsRoot: String
    public var roots: DahdiRoots
    public var etcRoot: String

    public init(fsRoot: String = "/", roots: DahdiRoots, etcRoot: String = "/etc") {
        self.fsRoot = fsRoot; self.roots = roots; self.etcRoot = etcRoot
    }

    public func read(asteriskConf: AsteriskConfSummary?) -> ContainerObservation {
        var observation = ContainerObservation(devfsRoot: roots.devfs)
        observation.markers = ownMarkers()
        observation.hostModuleLoaded = system_isDirectory(joinPath(roots.sysfs, "module/dahdi"))
        observation.deviceNodes = deviceNodes(under: joinPath(roots.devfs, "dahdi"))
        observation.asteriskProcess = asteriskProcess()
        if let user = asteriskConf?.runUser {
            let passwd = try? system_readSmallFile(joinPath(etcRoot, "passwd"), limit: 4 << 20).get()
            let group = try? system_readSmallFile(joinPath(etcRoot, "group"), limit: 4 << 20).get()
            let resolved = ContainerSigns.resolve(user: user, group: asteriskConf?.runGroup, passwd: passwd, groupFile: group)
            observation.runUser = ContainerObservation.RunUser(user: user, uid: resolved.uid, gids: resolved.gids,
                                                               source: (asteriskConf?.source ?? "asterisk.conf") + " runuser, " + joinPath(etcRoot, "passwd"))
        }
        return observation
    }

    func ownMarkers() -> [ContainerObservation.Marker] {
        var markers: [ContainerObservation.Marker] = []
        for (file, kind) in [("/.dockerenv", "docker"), ("/run/.containerenv", "podman")] {
            let path = joinPath(fsRoot, String(file.dropFirst()))
            if system_exists(path) { markers.append(ContainerObservation.Marker(kind: kind, detail: "\(file) exists", source: path)) }
        }
        markers += processMarkers(pid: "1")
        let mountinfo = joinPath(roots.procfs, "self/mountinfo")
        if case .success(let text) = system_readSmallFile(mountinfo, limit: 1 << 20) {
            markers += ContainerSigns.fromMountinfo(text, source: mountinfo)
        }
        return markers
    }

    func processMarkers(pid: String) -> [ContainerObservation.Marker] {
        var markers: [ContainerObservation.Marker] = []
        let cgroup = joinPath(roots.procfs, "\(pid)/cgroup")
        if case .success(let text) = system_readSmallFile(cgroup, limit: 1 << 16) {
            markers += ContainerSigns.fromCgroup(text, source: cgroup)
        }
        let environ = joinPath(roots.procfs, "\(pid)/environ")
        if case .success(let text) = system_readSmallFile(environ, limit: 1 << 16) {
            markers += ContainerSigns.fromEnviron(text, source: environ)
        }
        return markers
    }

    /// ctl, channel, pseudo, timer and the numbered channel nodes (chan/SPAN/CHAN), at most 4096 of them.
    func deviceNodes(under directory: String) -> [ContainerObservation.DeviceNode]? {
        guard system_isDirectory(directory) else { return nil }
        var nodes: [ContainerObservation.DeviceNode] = []
        var pending = [directory]
        while let current = pending.popLast(), nodes.count < 4096 {
            guard case .success(let names) = system_listDirectory(current) else { continue }
            for name in names {
                let path = current + "/" + name
                guard case .success(let status) = system_pathStatus(path) else { continue }
                if status.isDirectory { pending.append(path); continue }
                nodes.append(ContainerObservation.DeviceNode(path: path, uid: status.uid, gid: status.gid, mode: status.mode,
                                                             isCharacterDevice: status.isCharacterDevice))
            }
        }
        return nodes.sorted { $0.path < $1.path }
    }

    /// The first process whose comm is "asterisk" (the main process; its threads share the credentials).
    func asteriskProcess() -> ContainerObservation.AsteriskProcess? {
        guard case .success(let entries) = system_listDirectory(roots.procfs) else { return nil }
        for entry in entries.compactMap({ Int($0) }).sorted() {
            guard case .success(let comm) = system_readSmallFile(joinPath(roots.procfs, "\(entry)/comm"), limit: 64),
                  comm.trimmingCharacters() == "asterisk",
                  case .success(let status) = system_readSmallFile(joinPath(roots.procfs, "\(entry)/status"), limit: 1 << 16),
                  let credentials = ContainerSigns.credentials(status: status) else { continue }
            let rootDev = joinPath(roots.procfs, "\(entry)/root/dev/dahdi/ctl")
            let rootDir = joinPath(roots.procfs, "\(entry)/root/dev")
            return ContainerObservation.AsteriskProcess(
                pid: entry, uid: credentials.uid, gid: credentials.gid, groups: credentials.groups,
                markers: processMarkers(pid: "\(entry)"),
                seesControlDevice: system_isDirectory(rootDir) ? system_exists(rootDev) : nil)
        }
        return nil
    }
}

extension String {
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
