/// Merges the readings of every DAHDI source into one inventory. Pure: the same readings give the same inventory.
///
/// Precedence: counters, hook state and configured-channel counts come from the ioctls (only they have them);
/// full-length strings come from sysfs (the ioctl truncates them); timing slips and echo cancellers from /proc or
/// sysfs. With no control device, spans and channels are still listed from sysfs, marked by the sources list.
public enum InventoryBuilder {
    public static func build(_ readings: DahdiReadings, generator: String) -> Inventory {
        let sysfs = readings.sysfs
        let sysSpans = Dictionary(sysfs?.spans.map { ($0.number, $0) } ?? [], uniquingKeysWith: { a, _ in a })
        let sysChannels = Dictionary(sysfs?.channels.map { ($0.channel, $0) } ?? [], uniquingKeysWith: { a, _ in a })
        let procSpans = Dictionary(readings.proc.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        let procChannels = Dictionary(readings.proc.flatMap(\.channels).map { ($0.channel, $0) },
                                      uniquingKeysWith: { a, _ in a })
        let ioctlChannels = Dictionary(grouping: readings.channels, by: \.span)

        var spans: [InventorySpan] = readings.spans.map { status in
            span(fromIoctl: status, sysfs: sysSpans[status.number], proc: procSpans[status.number],
                 channels: ioctlChannels[status.number] ?? [], sysChannels: sysChannels, procChannels: procChannels,
                 procAvailable: readings.procAvailable,
                 lmfa: readings.multiframeErrorsRising.contains(status.number))
        }
        // Spans that sysfs knows but the ioctls could not read (no control device, or it vanished mid-scan).
        let seen = Set(spans.map(\.number))
        for sysSpan in (sysfs?.spans ?? []) where !seen.contains(sysSpan.number) {
            spans.append(span(fromSysfs: sysSpan, proc: procSpans[sysSpan.number], sysChannels: sysfs?.channels ?? [],
                              procChannels: procChannels, procAvailable: readings.procAvailable))
        }
        spans.sort { $0.number < $1.number }

        let devices = (sysfs?.devices ?? []).map { device in
            let assigned = spans.filter { $0.device == device.name }
            let locals = Set(device.spanTypes.map(\.localSpan)).union(assigned.compactMap(\.localSpan))
            let count = max(device.spanCount ?? 0, locals.max() ?? 0)
            let deviceSpans = count > 0 ? (1...count).map { local in
                DeviceSpan(localSpan: local, type: device.spanTypes.first { $0.localSpan == local }?.type,
                           assignedSpan: assigned.first { $0.localSpan == local }?.number)
            } : []
            return InventoryDevice(name: device.name, manufacturer: device.manufacturer, type: device.type,
                                   hardwareId: device.hardwareId, location: device.location,
                                   registrationTime: device.registrationTime, spanCount: device.spanCount,
                                   spans: deviceSpans)
        }

        return Inventory(
            schemaVersion: Inventory.currentSchemaVersion, generator: generator,
            status: status(readings: readings, devices: devices, spans: spans),
            driver: DriverSection(loaded: sysfs.map(\.moduleLoaded),
                                  version: readings.version?.version ?? sysfs?.moduleVersion,
                                  echoCancellers: readings.version?.echoCancellers ?? [],
                                  autoAssignSpans: sysfs?.autoAssignSpans),
            sources: sources(readings),
            devices: devices, spans: spans,
            problems: readings.failures.map(\.description) + readings.parseIssues.map(\.description))
    }

    // MARK: - Spans

    static func span(fromIoctl status: SpanStatus, sysfs: SysfsSpan?, proc: ProcSpan?, channels: [ChannelParams],
                     sysChannels: [Int: SysfsChannel], procChannels: [Int: ProcChannel], procAvailable: Bool,
                     lmfa: Bool) -> InventorySpan {
        let digital = status.isDigital
        let fullType = sysfs?.spanType ?? expandIoctlSpanType(status.spanType, digital: digital)
        let inventoryChannels = channels.sorted { $0.channel < $1.channel }.map {
            channel(fromIoctl: $0, sysfs: sysChannels[$0.channel], proc: procChannels[$0.channel])
        }
        return InventorySpan(
            number: status.number,
            name: nonEmpty(sysfs?.name) ?? status.name,
            description: nonEmpty(sysfs?.description) ?? status.description,
            device: sysfs?.device, localSpan: sysfs?.localSpan,
            manufacturer: status.manufacturer, deviceType: status.deviceType, location: status.location,
            type: fullType,
            scanType: digital ? "digital-\(status.spanType)" : "analog",
            isDigital: digital, assigned: true,
            alarmSummary: DahdiScanAlarmText.text(alarms: status.alarms, configuredChannels: Int(status.configuredChannels),
                                                  multiframeErrorsRising: lmfa),
            alarms: status.alarms.names, alarmBits: status.alarms.rawValue,
            counters: status.counters, irqMisses: Int(status.irqMisses),
            timingSlips: proc.map(\.timingSlips),
            syncSource: Int(status.syncSource), isSyncMaster: sysfs?.isSyncMaster ?? proc?.isSyncMaster,
            framing: digital ? status.lineConfig.framing : nil,
            coding: digital ? status.lineConfig.coding : nil,
            lbo: Int(status.lbo), lboName: status.lboName.isEmpty ? LineBuildOut.name(Int(status.lbo)) : status.lboName,
            lineConfig: status.lineConfig.names, lineCompat: status.lineCompat.names,
            configuredChannels: Int(status.configuredChannels), totalChannels: Int(status.totalChannels),
            baseChannel: sysfs?.baseChannel ?? inventoryChannels.first?.number,
            channels: inventoryChannels)
    }

    static func span(fromSysfs sysfs: SysfsSpan, proc: ProcSpan?, sysChannels: [SysfsChannel],
                     procChannels: [Int: ProcChannel], procAvailable: Bool) -> InventorySpan {
        let alarms = sysfs.alarms ?? proc?.alarms ?? []
        let lineConfig = sysfs.lineConfig ?? proc?.lineConfig ?? []
        let digital = sysfs.isDigital ?? !(sysfs.lineCompat ?? []).isEmpty
        let total = sysfs.channels ?? 0
        let base = sysfs.baseChannel
        let channels: [InventoryChannel] = base.map { base in
            sysChannels.filter { $0.channel >= base && $0.channel < base + total }.sorted { $0.channel < $1.channel }
                .map { channel(fromSysfs: $0, span: sysfs.number, proc: procChannels[$0.channel]) }
        } ?? []
        let configured = channels.filter(\.configured).count
        return InventorySpan(
            number: sysfs.number, name: sysfs.name ?? proc?.name ?? "span-\(sysfs.number)",
            description: sysfs.description ?? proc?.description ?? "",
            device: sysfs.device, localSpan: sysfs.localSpan, manufacturer: nil, deviceType: nil, location: nil,
            type: sysfs.spanType, scanType: nil, isDigital: digital, assigned: true,
            alarmSummary: DahdiScanAlarmText.text(alarms: alarms, configuredChannels: configured),
            alarms: alarms.names, alarmBits: alarms.rawValue, counters: nil, irqMisses: proc?.irqMisses,
            timingSlips: proc?.timingSlips, syncSource: sysfs.syncSource, isSyncMaster: sysfs.isSyncMaster,
            framing: digital ? lineConfig.framing : nil, coding: digital ? lineConfig.coding : nil,
            lbo: sysfs.lbo, lboName: sysfs.lbo.map(LineBuildOut.name), lineConfig: lineConfig.names,
            lineCompat: (sysfs.lineCompat ?? []).names, configuredChannels: channels.isEmpty ? nil : configured,
            totalChannels: total, baseChannel: base, channels: channels)
    }

    /// Sysfs has the full type; the ioctl keeps 5 characters and renames BRI_NT/BRI_TE to NT/TE.
    static func expandIoctlSpanType(_ short: String, digital: Bool) -> String? {
        switch short {
        case "": return nil
        case "NT": return "BRI_NT"
        case "TE": return "BRI_TE"
        case "ANALO": return "ANALOG_MIXED"
        case "BRI_S": return "BRI_SOFT"
        case "DYNAM": return "DYNAMIC"
        case "INVAL": return "INVALID"
        default: return short
        }
    }

    // MARK: - Channels

    static func channel(fromIoctl params: ChannelParams, sysfs: SysfsChannel?, proc: ProcChannel?) -> InventoryChannel {
        let ec = echoCanceller(sysfs: sysfs, proc: proc)
        return InventoryChannel(
            number: params.channel, span: params.span, position: params.position,
            name: nonEmpty(sysfs?.name) ?? params.name,
            signalling: params.signalling.kernelName, signallingBits: params.signalling.rawValue,
            configured: params.signalling != .none,
            capabilities: Signalling.capabilityNames(params.capabilities), capabilityBits: params.capabilities,
            portType: PortType(sigcap: params.capabilities),
            inUse: sysfs?.inUse ?? proc?.inUse,
            rxHook: HookSignal.rxName(params.rxHookSignal), txHook: HookSignal.txName(params.txHookSignal),
            offHook: params.rxIsOffHook,
            rxBits: params.rxBits < 0 ? nil : Int(params.rxBits), txBits: params.txBits < 0 ? nil : Int(params.txBits),
            alarms: params.alarms.names, broken: params.capabilities & Signalling.brokenBit != 0,
            echoCanceller: ec)
    }

    static func channel(fromSysfs sysfs: SysfsChannel, span: Int, proc: ProcChannel?) -> InventoryChannel {
        let signalling = sysfs.signalling ?? proc?.signalling ?? .none
        return InventoryChannel(
            number: sysfs.channel, span: span, position: sysfs.position, name: sysfs.name ?? proc?.name ?? "",
            signalling: signalling.kernelName, signallingBits: signalling.rawValue, configured: signalling != .none,
            capabilities: sysfs.capabilities.map(Signalling.capabilityNames) ?? [], capabilityBits: sysfs.capabilities,
            portType: sysfs.capabilities.map { PortType(sigcap: $0) }, inUse: sysfs.inUse ?? proc?.inUse,
            rxHook: nil, txHook: nil, offHook: nil, rxBits: nil, txBits: nil,
            alarms: (sysfs.alarms ?? proc?.alarms ?? []).names, broken: false,
            echoCanceller: echoCanceller(sysfs: sysfs, proc: proc))
    }

    static func echoCanceller(sysfs: SysfsChannel?, proc: ProcChannel?) -> EchoCancellerState? {
        if let name = nonEmpty(sysfs?.echoCancellerFactory) {
            return EchoCancellerState(name: name, active: sysfs?.echoCancellerActive)
        }
        if let name = nonEmpty(proc?.echoCanceller) {
            return EchoCancellerState(name: name, active: proc?.echoCancellerActive)
        }
        return nil
    }

    // MARK: - Status and sources

    static func status(readings: DahdiReadings, devices: [InventoryDevice], spans: [InventorySpan]) -> InventoryStatus {
        let moduleLoaded = readings.sysfs?.moduleLoaded
        switch readings.control {
        case .permissionDenied(let path, let error):
            return InventoryStatus(code: .permissionDenied,
                message: "cannot open \(path): \(error.message); run as root or as a member of the group that owns it")
        case .missing(let path):
            if moduleLoaded == true {
                return InventoryStatus(code: .controlDeviceMissing,
                    message: "the dahdi module is loaded but \(path) does not exist: check udev/devtmpfs, or pass the device into the container")
            }
            return InventoryStatus(code: .driverNotLoaded,
                message: "DAHDI driver not loaded (no /sys/module/dahdi, no \(path)): run 'modprobe dahdi' and your card's driver")
        case .failed(let path, let error):
            return InventoryStatus(code: .controlDeviceError, message: "cannot use \(path): \(error)")
        case .opened:
            break
        }
        if spans.isEmpty {
            let unassigned = devices.reduce(0) { $0 + $1.spans.filter { $0.assignedSpan == nil }.count }
            if !devices.isEmpty {
                return InventoryStatus(code: .spansNotAssigned,
                    message: "\(devices.count) DAHDI device(s) registered with \(unassigned) span(s), but no span is assigned: run 'dahdi_span_assignments auto' or load dahdi with auto_assign_spans=1")
            }
            return InventoryStatus(code: .noDevices,
                message: "the DAHDI driver is loaded but no device is registered: is the card's driver (wct4xxp, wctdm24xxp, xpp_usb...) loaded?")
        }
        let alarmed = spans.filter { $0.alarmBits != 0 }.count
        return InventoryStatus(code: .ok, message: "\(spans.count) span(s), \(spans.reduce(0) { $0 + $1.totalChannels }) channel(s)"
            + (alarmed > 0 ? ", \(alarmed) span(s) in alarm" : ""))
    }

    static func sources(_ readings: DahdiReadings) -> [SourceStatus] {
        let ioctl: SourceStatus
        switch readings.control {
        case .opened(let path):
            ioctl = SourceStatus(name: "ioctl", available: true,
                                 detail: "\(path): \(readings.spans.count) span(s), \(readings.channels.count) channel(s)")
        case .missing(let path): ioctl = SourceStatus(name: "ioctl", available: false, detail: "\(path) does not exist")
        case .permissionDenied(let path, let error), .failed(let path, let error):
            ioctl = SourceStatus(name: "ioctl", available: false, detail: "\(path): \(error)")
        }
        let sysfs = readings.sysfs.map {
            SourceStatus(name: "sysfs", available: true,
                         detail: "\($0.devices.count) device(s), \($0.spans.count) span(s), \($0.channels.count) channel(s)")
        } ?? SourceStatus(name: "sysfs", available: false, detail: "not readable")
        let proc = SourceStatus(name: "procfs", available: readings.procAvailable,
                                detail: readings.procAvailable ? "\(readings.proc.count) span file(s)" : "/proc/dahdi not present")
        return [ioctl, sysfs, proc]
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
