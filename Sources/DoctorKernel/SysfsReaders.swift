import CUdev
import DoctorCore
import DoctorSystem

/// Reads DAHDI's sysfs objects from a directory tree rooted at `root` (a real /sys or a fixture tree):
/// `bus/dahdi_devices/devices`, `bus/dahdi_spans/devices`, `bus/dahdi_channels/devices`, `module/dahdi`.
public struct SysfsDirectoryReader: Sendable {
    public var root: String

    public init(root: String) { self.root = root }

    public func read() -> SysfsSnapshot {
        let module = joinPath(root, "module/dahdi")
        let devices = objects(bus: "dahdi_devices")
        let spans = objects(bus: "dahdi_spans").map { span in
            var span = span
            span.parentName = parentDevice(ofSpan: span.name, devices: devices)
            return span
        }
        return SysfsSnapshotBuilder.snapshot(
            moduleLoaded: system_isDirectory(module),
            moduleVersion: SysfsValue.string(try? system_readSmallFile(joinPath(module, "version")).get()),
            autoAssignSpans: SysfsValue.bool(try? system_readSmallFile(joinPath(module, "parameters/auto_assign_spans")).get()),
            devices: devices, spans: spans, channels: objects(bus: "dahdi_channels"))
    }

    private func objects(bus: String) -> [SysfsObject] {
        let directory = joinPath(root, "bus/\(bus)/devices")
        guard case .success(let names) = system_listDirectory(directory) else { return [] }
        return names.map { name in
            let path = joinPath(directory, name)
            return SysfsObject(name: name, parentName: nil) { attribute in
                try? system_readSmallFile(joinPath(path, attribute)).get()
            }
        }
    }

    /// On a real sysfs the bus entry is a symlink into the device tree whose parent is the DAHDI device; in a
    /// plain fixture tree the device directory holds a `span-N` child instead.
    private func parentDevice(ofSpan name: String, devices: [SysfsObject]) -> String? {
        if let target = system_readLink(joinPath(root, "bus/dahdi_spans/devices/\(name)")) {
            let components = target.split(separator: "/")
            if components.count >= 2 { return String(components[components.count - 2]) }
        }
        return devices.first { system_exists(joinPath(root, "bus/dahdi_devices/devices/\($0.name)/\(name)")) }?.name
    }
}

/// Finds DAHDI's sysfs objects through libudev subsystem matching, which is what the real box and umockdev
/// testbeds (where unknown buses appear under /sys/class) both answer. Attributes are read through libudev too.
public struct UdevSysfsReader: Sendable {
    /// Used for /sys/module/dahdi, which is not a udev device.
    public var root: String

    public init(root: String = "/sys") { self.root = root }

    /// Nil when libudev cannot be used at all (then the caller falls back to `SysfsDirectoryReader`).
    public func read() -> SysfsSnapshot? {
        guard let udev = udev_new() else { return nil }
        defer { udev_unref(udev) }
        let devices = objects(udev, subsystem: "dahdi_devices")
        let spans = objects(udev, subsystem: "dahdi_spans")
        let channels = objects(udev, subsystem: "dahdi_channels")
        let module = joinPath(root, "module/dahdi")
        return SysfsSnapshotBuilder.snapshot(
            moduleLoaded: system_isDirectory(module),
            moduleVersion: SysfsValue.string(try? system_readSmallFile(joinPath(module, "version")).get()),
            autoAssignSpans: SysfsValue.bool(try? system_readSmallFile(joinPath(module, "parameters/auto_assign_spans")).get()),
            devices: devices, spans: spans, channels: channels)
    }

    /// Reads every attribute eagerly (then releases the udev objects), so the returned values own no C state.
    private func objects(_ udev: OpaquePointer, subsystem: String) -> [SysfsObject] {
        var result: [SysfsObject] = []
        HardwareReader.forEachDevice(udev, subsystem: subsystem) { device in
            let name = String(cString: udev_device_get_sysname(device))
            let parent = udev_device_get_parent(device).flatMap { udev_device_get_sysname($0) }.map { String(cString: $0) }
            var attributes: [String: String] = [:]
            var attributeEntry = udev_device_get_sysattr_list_entry(device)
            while let attr = attributeEntry {
                if let key = udev_list_entry_get_name(attr) {
                    let keyString = String(cString: key)
                    if let value = udev_device_get_sysattr_value(device, key) {
                        attributes[keyString] = String(cString: value)
                    }
                }
                attributeEntry = udev_list_entry_get_next(attr)
            }
            result.append(SysfsObject(name: name, parentName: parent) { attributes[$0] })
        }
        return result
    }
}
