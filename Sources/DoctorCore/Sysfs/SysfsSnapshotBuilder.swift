/// One sysfs object (a DAHDI device, span or channel) as a discoverer found it: its name, its parent's name and a
/// way to read its attributes. Keeps attribute parsing pure and shared by the libudev and directory readers.
public struct SysfsObject {
    public var name: String
    public var parentName: String?
    public var attribute: (String) -> String?

    public init(name: String, parentName: String?, attribute: @escaping (String) -> String?) {
        self.name = name; self.parentName = parentName; self.attribute = attribute
    }
}

public enum SysfsSnapshotBuilder {
    public static func device(_ object: SysfsObject, spanNumbers: [Int]) -> SysfsDevice {
        let read = object.attribute
        let newTypes = read(SpanTypeAttribute.newName), oldTypes = newTypes == nil ? read(SpanTypeAttribute.oldName) : nil
        return SysfsDevice(
            name: object.name, manufacturer: SysfsValue.string(read("manufacturer")),
            type: SysfsValue.string(read("type")), spanCount: SysfsValue.int(read("span_count")),
            hardwareId: SysfsValue.string(read("hardware_id")), location: SysfsValue.string(read("location")),
            // Kernels >= 4.13 name these dahdi_spantype / dahdi_registration_time; older ones spantype / registration_time.
            spanTypes: SysfsValue.spanTypes(newTypes ?? oldTypes),
            spanTypeAttribute: newTypes != nil ? SpanTypeAttribute.newName : (oldTypes != nil ? SpanTypeAttribute.oldName : nil),
            registrationTime: SysfsValue.string(read("dahdi_registration_time") ?? read("registration_time")),
            assignedSpans: spanNumbers.sorted())
    }

    /// `span-N` objects; anything else is not a span and yields nil.
    public static func span(_ object: SysfsObject) -> SysfsSpan? {
        guard object.name.hasPrefix("span-"), let number = Int(object.name.dropFirst(5)) else { return nil }
        let read = object.attribute
        return SysfsSpan(
            number: number, device: object.parentName, name: SysfsValue.string(read("name")),
            description: SysfsValue.string(read("desc")), spanType: SysfsValue.string(read("spantype")),
            localSpan: SysfsValue.int(read("local_spanno")), alarms: SysfsValue.hexAlarms(read("alarms")),
            lbo: SysfsValue.int(read("lbo")), syncSource: SysfsValue.int(read("syncsrc")),
            isDigital: SysfsValue.bool(read("is_digital")), isSyncMaster: SysfsValue.bool(read("is_sync_master")),
            baseChannel: SysfsValue.int(read("basechan")), channels: SysfsValue.int(read("channels")),
            lineConfig: read("lineconfig").map { LineConfig(kernelNames: $0[...]) },
            lineCompat: read("linecompat").map { LineConfig(kernelNames: $0[...]) })
    }

    public static func channel(_ object: SysfsObject) -> SysfsChannel? {
        let read = object.attribute
        guard let number = SysfsValue.int(read("channo")) ?? channelNumber(fromDeviceName: object.name) else { return nil }
        return SysfsChannel(
            channel: number, position: SysfsValue.int(read("chanpos")), name: SysfsValue.string(read("name")),
            signalling: SysfsValue.string(read("sig")).flatMap { Signalling(kernelName: $0[...]) },
            alarms: read("alarms").map { SpanAlarms(kernelWords: $0[...]) },
            echoCancellerFactory: SysfsValue.string(read("ec_factory")),
            echoCancellerActive: SysfsValue.echoCancellerActive(read("ec_state")),
            inUse: SysfsValue.bool(read("in_use")),
            capabilities: read("sigcap").flatMap { Signalling.capabilities(sysfsText: $0) })
    }

    /// A channel that DAHDI_GET_PARAMS already described (`number` is its channo): only the attributes the ioctl does
    /// not carry. The kernel fills name, channo, chanpos, sig, sigcap and alarms of `struct dahdi_params` from the
    /// same `struct dahdi_chan` fields the sysfs attributes print (dahdi-base.c `dahdi_ioctl_getparams`,
    /// dahdi-sysfs-chan.c), so those six files would say nothing new. `ec_state` is empty unless there is an
    /// `ec_factory`, so it is read only then.
    public static func channelBeyondParams(_ object: SysfsObject, number: Int) -> SysfsChannel {
        let read = object.attribute
        let factory = SysfsValue.string(read("ec_factory"))
        return SysfsChannel(
            channel: number, echoCancellerFactory: factory,
            echoCancellerActive: factory.map { $0.isEmpty } == false ? SysfsValue.echoCancellerActive(read("ec_state")) : nil,
            inUse: SysfsValue.bool(read("in_use")))
    }

    /// `dahdi!chan!SSS!PPP` (dahdi-sysfs-chan.c names channel devices after span number and position): (span, position).
    public static func spanAndPosition(fromChannelDeviceName name: String) -> (span: Int, position: Int)? {
        let parts = name.split(separator: "!")
        guard parts.count == 4, parts[0] == "dahdi", parts[1] == "chan", let span = Int(parts[2]),
              let position = Int(parts[3]) else { return nil }
        return (span, position)
    }

    /// Channel devices are not numbered by name (`dahdi!chan!001!002` is span 1 position 2); only `channo` says.
    static func channelNumber(fromDeviceName name: String) -> Int? { nil }

    /// Builds the snapshot; devices learn their assigned spans from the spans' parents.
    public static func snapshot(moduleLoaded: Bool, moduleVersion: String?, autoAssignSpans: Bool?,
                                devices: [SysfsObject], spans: [SysfsObject], channels: [SysfsObject]) -> SysfsSnapshot {
        let parsedSpans = spans.compactMap(span).sorted { $0.number < $1.number }
        let parsedDevices = devices.map { object in
            device(object, spanNumbers: parsedSpans.filter { $0.device == object.name }.map(\.number))
        }.sorted { $0.name < $1.name }
        let parsedChannels = channels.compactMap(channel).sorted { $0.channel < $1.channel }
        // DAHDI objects in sysfs prove the module is loaded even where /sys/module is not visible (a container,
        // a umockdev testbed).
        let loaded = moduleLoaded || !parsedDevices.isEmpty || !parsedSpans.isEmpty || !parsedChannels.isEmpty
        return SysfsSnapshot(moduleLoaded: loaded, moduleVersion: moduleVersion, autoAssignSpans: autoAssignSpans,
                             devices: parsedDevices, spans: parsedSpans, channels: parsedChannels)
    }
}
