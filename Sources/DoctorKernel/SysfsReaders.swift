import CUdev
import DoctorCore
import DoctorSystem

/// Reads DAHDI's sysfs objects from a directory tree rooted at `root` (a real /sys or a fixture tree):
/// `bus/dahdi_devices/devices`, `bus/dahdi_spans/devices`, `bus/dahdi_channels/devices`, `module/dahdi`.
public struct SysfsDirectoryReader: Sendable {
    public var root: String

    public init(root: String) { self.root = root }

    /// Everything, every attribute of every channel: for a box whose control device could not be read, and for
    /// fixture trees.
    public func read() -> SysfsSnapshot {
        var snapshot = readWithoutChannels()
        let channels = objects(bus: "dahdi_channels").compactMap(SysfsSnapshotBuilder.channel).sorted { $0.channel < $1.channel }
        snapshot.channels = channels
        snapshot.moduleLoaded = snapshot.moduleLoaded || !channels.isEmpty
        return snapshot
    }

    /// The module, devices and spans; no channel.
    public func readWithoutChannels() -> SysfsSnapshot {
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
            devices: devices, spans: spans, channels: [])
    }

    /// The channels, each read only for what `known` (the DAHDI_GET_PARAMS readings) lacks: `ec_factory`,
    /// `ec_state` when there is a factory, and `in_use` (2 or 3 files per channel instead of 9); and not at all
    /// when its /proc/dahdi line (`describedByProc`, see `ProcSpan.channelsDescribed`) said those already: then
    /// only its number is listed. A channel device whose span and position no reading has (e.g. its GET_PARAMS
    /// failed) is read in full.
    public func readChannels(known: [ChannelParams], describedByProc: Set<Int> = []) -> [SysfsChannel] {
        var byPosition: [Int: Int] = [:]
        byPosition.reserveCapacity(known.count)
        for params in known { byPosition[params.span << 16 | params.position] = params.channel }
        return objects(bus: "dahdi_channels").compactMap { object -> SysfsChannel? in
            if let (span, position) = SysfsSnapshotBuilder.spanAndPosition(fromChannelDeviceName: object.name),
               let number = byPosition[span << 16 | position] {
                if describedByProc.contains(number) { return SysfsChannel(channel: number) }
                return SysfsSnapshotBuilder.channelBeyondParams(object, number: number)
            }
            return SysfsSnapshotBuilder.channel(object)
        }.sorted { $0.channel < $1.channel }
    }

    private func objects(bus: String) -> [SysfsObject] {
        let directory = joinPath(root, "bus/\(bus)/devices")
        guard case .success(let names) = system_listDirectory(directory) else { return [] }
        return names.map { name in
            let path = joinPath(directory, name)
            return SysfsObject(name: name, parentName: nil) { attribute in
                try? system_readAttribute(joinPath(path, attribute)).get()
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
