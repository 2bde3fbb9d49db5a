#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CUdev
import DoctorCore
import DoctorSystem
import Synchronization

/// Kernel device events for DAHDI (its buses and classes: dahdi_devices, dahdi_spans, dahdi_channels, dahdi),
/// USB (an Astribank renumerating after its firmware load) and PCI, through a libudev monitor. The agent rescans
/// the kernel source on each.
///
/// Listens to udevd's rebroadcast ("udev": after rules ran, so device nodes exist) when udevd runs, else to the
/// kernel's own uevents ("kernel"), which is what a box without udevd (a container, an initramfs, the lab) has.
public final class HotplugMonitor: Sendable {
    public struct Event: Sendable, Hashable {
        public var action: String
        public var subsystem: String
        public var name: String
        public var description: String { "hotplug: \(action) \(subsystem) \(name)" }
    }

    public let source: String
    private let stopping = Atomic<Bool>(false)

    /// Whether an event concerns the agent: DAHDI's own subsystems, USB devices and PCI.
    public static func concerns(subsystem: String) -> Bool {
        subsystem.hasPrefix("dahdi") || subsystem == "usb" || subsystem == "pci"
    }

    /// `runRoot`: where udevd's control socket would be (/run/udev/control), to choose the event source.
    public init(runRoot: String = "/run") {
        source = system_exists(runRoot + "/udev/control") ? "udev" : "kernel"
    }

    /// Starts the monitor thread; `handler` runs on it for each event that concerns the agent. Fails when the
    /// netlink socket cannot be opened (no permission, or a network namespace without uevents); the agent then
    /// runs on its intervals alone and says so.
    public func start(_ handler: @escaping @Sendable (Event) -> Void) throws(SystemError) {
        guard let udev = udev_new() else { throw SystemError(errno: ENOMEM) }
        guard let monitor = udev_monitor_new_from_netlink(udev, source) else {
            let code = errno
            udev_unref(udev)
            throw SystemError(errno: code == 0 ? EPERM : code)
        }
        let enabled = udev_monitor_enable_receiving(monitor)
        guard enabled >= 0 else {
            udev_monitor_unref(monitor); udev_unref(udev)
            throw SystemError(errno: -enabled)
        }
        let fd = udev_monitor_get_fd(monitor)
        // libudev objects are not thread-safe; the monitor thread alone uses them from here on.
        let handles = UnsafeSendable((udev, monitor))
        let result = system_startThread(detached: true) { [self] in
            let (udev, monitor) = handles.value
            defer { udev_monitor_unref(monitor); udev_unref(udev) }
            while !stopping.load(ordering: .acquiring) {
                // Sleeps until an event; the timeout only bounds how long the thread outlives stop().
                guard case .success(true) = system_poll(fd, for: .readable, milliseconds: 10_000) else { continue }
                while let device = udev_monitor_receive_device(monitor) {
                    defer { udev_device_unref(device) }
                    let subsystem = udev_device_get_subsystem(device).map { String(cString: $0) } ?? ""
                    guard Self.concerns(subsystem: subsystem) else { continue }
                    let action = udev_device_get_action(device).map { String(cString: $0) } ?? "change"
                    let name = udev_device_get_sysname(device).map { String(cString: $0) } ?? "?"
                    handler(Event(action: action, subsystem: subsystem, name: name))
                }
            }
        }
        if case .failure(let error) = result {
            udev_monitor_unref(monitor); udev_unref(udev)
            throw error
        }
    }

    public func stop() { stopping.store(true, ordering: .releasing) }
}

/// Hands C handles to the one thread that will use them.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
