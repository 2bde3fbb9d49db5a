import DoctorCore
import DoctorSystem

/// Where the readers look. Each root is injectable so the same code runs on a box, in a container, on a
/// fixture tree or under umockdev.
public struct DahdiRoots: Sendable, Hashable {
    public var sysfs: String
    public var procfs: String
    public var devfs: String

    public init(sysfs: String = "/sys", procfs: String = "/proc", devfs: String = "/dev") {
        self.sysfs = sysfs; self.procfs = procfs; self.devfs = devfs
    }
}

/// Reads every DAHDI source on this machine into `DahdiReadings`.
public struct DahdiScanner: Sendable {
    public var roots: DahdiRoots
    public var checkMultiframeAlignment: Bool

    public init(roots: DahdiRoots, checkMultiframeAlignment: Bool = true) {
        self.roots = roots
        self.checkMultiframeAlignment = checkMultiframeAlignment
    }

    /// - Parameter mark: called with the name of each part as it ends (`sysfs`, `proc`, `ioctls`, `sysfs-channels`),
    ///   for `scan --bench-reads` to time the parts.
    public func read(mark: (String) -> Void = { _ in }) -> DahdiReadings {
        // A kernel's sysfs has DAHDI's buses as directories: they are read directly, as for a fixture root. libudev
        // reads the same attributes (identical scan output) but re-reads every device's uevent and parent on the
        // way: 4.3 s against 0.8 s per read of 992 channels in the lab (Tools/bench). It remains for a /sys whose
        // DAHDI buses are not directories: umockdev testbeds list unknown buses under /sys/class only.
        //
        // Channels are read last, and only for what neither DAHDI_GET_PARAMS nor their /proc/dahdi line already
        // said (see `SysfsDirectoryReader.readChannels(known:describedByProc:)`): 9 files per channel were most of
        // a scan's time under TCG, and 2-3 still were at 992 channels.
        let sysfs: SysfsSnapshot
        var directory: SysfsDirectoryReader?
        if roots.sysfs == "/sys", !system_isDirectory("/sys/bus/dahdi_spans/devices"),
           let viaUdev = UdevSysfsReader(root: roots.sysfs).read() {
            sysfs = viaUdev
        } else {
            directory = SysfsDirectoryReader(root: roots.sysfs)
            sysfs = directory!.readWithoutChannels()
        }
        mark("sysfs")
        let proc = ProcDahdiReader(root: roots.procfs).read()
        mark("proc")
        let control = LinuxDahdiControl.open(devfsRoot: roots.devfs)
        let sysfsReadable = system_isDirectory(roots.sysfs)
        var readings = DahdiCollector(checkMultiframeAlignment: checkMultiframeAlignment)
            .collect(control: control, sysfs: sysfsReadable ? sysfs : nil, proc: proc, pause: system_sleepOneSecond)
        mark("ioctls")
        if sysfsReadable, let directory, var snapshot = readings.sysfs {
            snapshot.channels = directory.readChannels(
                known: readings.channels, describedByProc: ProcSpan.channelsDescribed(proc.spans, issues: proc.issues))
            snapshot.moduleLoaded = snapshot.moduleLoaded || !snapshot.channels.isEmpty
            readings.sysfs = snapshot
        }
        mark("sysfs-channels")
        return readings
    }

    /// Only the control device: open it, DAHDI_GETVERSION, DAHDI_SPANSTAT per span, DAHDI_GET_PARAMS per channel
    /// (bases from the running sum of totalchans), close. The part of `read()` that `Tools/bench` compares with a
    /// C loop issuing the same ioctls; sysfs and /proc are left out.
    public func readControl() -> DahdiReadings {
        let control = LinuxDahdiControl.open(devfsRoot: roots.devfs)
        return DahdiCollector(checkMultiframeAlignment: checkMultiframeAlignment)
            .collect(control: control, sysfs: nil, proc: (spans: [], available: false, issues: []),
                     pause: system_sleepOneSecond)
    }
}
