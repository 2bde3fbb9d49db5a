/// Asterisk and dahdi-doctor in containers: the DAHDI driver lives in the host kernel, the device nodes must be
/// passed into the container, and Asterisk's user must be able to open them.
public struct ContainerChecks: CheckFamily {
    public static let notPassedThrough = CheckDefinition(
        id: "container-dahdi-not-passed-through", family: "container", severity: .critical,
        title: "DAHDI loaded on the host but its devices are not in the container",
        explanation: """
            The dahdi module is loaded in the host kernel (/sys/module/dahdi is visible from inside the container), \
            but inside the container /dev/dahdi/ctl is missing, or opening it is refused by the container's device \
            cgroup (EPERM even as root). Docker and Podman give a container no device unless asked; a bind mount \
            of /dev/dahdi without a device rule gives the nodes but not the right to open them. chan_dahdi then \
            loads no channel ("No DAHDI interface found") and every DAHDI line is dead. The signs of a container \
            (/.dockerenv, /run/.containerenv, container= in PID 1's environment, a container cgroup path, an \
            overlay root) are listed as evidence. When Asterisk's own process is visible and runs in a container, \
            its /dev is looked at through /proc/PID/root.
            """,
        remediation: "pass the devices through: '--device /dev/dahdi/ctl --device /dev/dahdi/channel --device /dev/dahdi/pseudo --device /dev/dahdi/timer' (and each /dev/dahdi/chan/* node), or in Compose 'devices:' with those paths (or '--device-cgroup-rule=\"c 196:* rmw\"' with a /dev/dahdi bind mount, or privileged: true), then recreate the container")

    public static let accessDenied = CheckDefinition(
        id: "dahdi-device-access-denied", family: "container", severity: .critical,
        title: "Asterisk's user cannot open /dev/dahdi",
        explanation: """
            chan_dahdi opens /dev/dahdi/ctl, /dev/dahdi/channel and /dev/dahdi/pseudo read-write, and \
            res_timing_dahdi /dev/dahdi/timer, as the user Asterisk runs as (its process credentials when the \
            process is visible, otherwise runuser/rungroup of asterisk.conf resolved through passwd and group). \
            The nodes' owner, group and mode do not let that user read and write them: typically the udev rule \
            that gives them to the asterisk group is missing (Debian ships it in dahdi-linux), or a container \
            image has another uid/gid for asterisk than the host that created the nodes. Asterisk then starts \
            without any DAHDI channel.
            """,
        remediation: "give the nodes to Asterisk's group: a udev rule such as 'SUBSYSTEM==\"dahdi\", GROUP=\"asterisk\", MODE=\"0660\"' then 'udevadm trigger', or in a container run Asterisk with the gid that owns the nodes on the host (--group-add GID)")

    public static let definitions = [notPassedThrough, accessDenied]

    static let key = "container-dahdi"

    public init() {}

    /// The finding that explains DriverChecks' "control device missing/denied", when the cause is the container.
    public static func causeKey(_ context: CheckContext) -> String? {
        guard let container = context.observation.container, container.inContainer, container.hostModuleLoaded else { return nil }
        switch context.observation.dahdi.control {
        case .missing: return key
        case .permissionDenied(_, let error) where error.code == 1: return key
        default: return nil
        }
    }

    static func markerEvidence(_ markers: [ContainerObservation.Marker]) -> [Evidence] {
        markers.map { Evidence("container sign (\($0.kind))", $0.detail, source: $0.source) }
    }

    public func run(_ context: CheckContext) -> [Finding] {
        guard let container = context.observation.container else { return [] }
        var findings: [Finding] = []
        if Self.causeKey(context) != nil {
            var evidence = [Evidence("dahdi module", "loaded in the host kernel", source: "/sys/module/dahdi")]
            let message: String
            switch context.observation.dahdi.control {
            case .missing(let path):
                message = "dahdi is loaded on the host but \(path) does not exist in this container"
                evidence.append(Evidence("control device", "absent", source: path))
            case .permissionDenied(let path, let error):
                message = "dahdi is loaded on the host but this container may not open \(path) (\(error.name): the device cgroup refuses it)"
                evidence.append(Evidence("open", error.description, source: path))
            default:
                message = "dahdi is loaded on the host but not usable in this container"
            }
            findings.append(Finding(Self.notPassedThrough, subject: "this container", message: message,
                                    evidence: evidence + Self.markerEvidence(container.markers), key: Self.key))
        }
        if let process = container.asteriskProcess, !process.markers.isEmpty, container.hostModuleLoaded,
           process.seesControlDevice == false {
            findings.append(Finding(Self.notPassedThrough, subject: "Asterisk's container (pid \(process.pid))",
                                    message: "dahdi is loaded on the host but Asterisk's container (pid \(process.pid)) has no /dev/dahdi/ctl",
                                    evidence: [Evidence("dahdi module", "loaded in the host kernel", source: "/sys/module/dahdi"),
                                               Evidence("control device", "absent", source: "/proc/\(process.pid)/root/dev/dahdi/ctl")]
                                        + Self.markerEvidence(process.markers),
                                    key: "\(Self.key):asterisk"))
        }
        findings += accessFindings(container)
        return findings
    }

    /// The nodes chan_dahdi and res_timing_dahdi open, against the user Asterisk runs as.
    func accessFindings(_ container: ContainerObservation) -> [Finding] {
        guard let nodes = container.deviceNodes, !nodes.isEmpty else { return [] }
        let uid: UInt32, gids: [UInt32], who: String, whoSource: String
        if let process = container.asteriskProcess {
            uid = process.uid; gids = [process.gid] + process.groups
            who = "Asterisk (pid \(process.pid), uid \(process.uid))"; whoSource = "/proc/\(process.pid)/status"
        } else if let run = container.runUser, let runUid = run.uid {
            uid = runUid; gids = run.gids
            who = "Asterisk's runuser \(run.user) (uid \(runUid))"; whoSource = run.source
        } else {
            return []
        }
        let wanted = ["ctl", "channel", "pseudo", "timer"]
        let relevant = nodes.filter { node in wanted.contains { node.path.hasSuffix("/dahdi/" + $0) } }
        let denied = relevant.filter { !$0.readWritable(uid: uid, gids: gids) }
        guard !denied.isEmpty else { return [] }
        var evidence = [Evidence("Asterisk runs as", "uid \(uid), gids \(gids.map(String.init).joined(separator: ","))", source: whoSource)]
        evidence += denied.map { Evidence("node", "owner \($0.uid), group \($0.gid), mode \($0.modeText)", source: $0.path) }
        return [Finding(Self.accessDenied, subject: "/dev/dahdi",
                        message: "\(who) cannot open " + denied.map { $0.path }.joined(separator: ", ") + " read-write",
                        evidence: evidence, key: "dahdi-device-access")]
    }
}
