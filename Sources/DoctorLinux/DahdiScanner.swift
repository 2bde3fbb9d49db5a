import DoctorCore

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

    public func read() -> DahdiReadings {
        // libudev only knows the real /sys (or umockdev's); a fixture root is walked as plain directories.
        let sysfs: SysfsSnapshot
        if roots.sysfs == "/sys", let viaUdev = UdevSysfsReader(root: roots.sysfs).read() {
            sysfs = viaUdev
        } else {
            sysfs = SysfsDirectoryReader(root: roots.sysfs).read()
        }
        let proc = ProcDahdiReader(root: roots.procfs).read()
        let control = LinuxDahdiControl.open(devfsRoot: roots.devfs)
        return DahdiCollector(checkMultiframeAlignment: checkMultiframeAlignment)
            .collect(control: control, sysfs: system_isDirectory(roots.sysfs) ? sysfs : nil, proc: proc,
                     pause: system_sleepOneSecond)
    }
}
