/// What every check reads: the observation, the merged inventory built from it, and indexes into both.
public struct CheckContext: Sendable {
    public let observation: Observation
    public let inventory: Inventory
    public let spans: [Int: InventorySpan]
    public let channels: [Int: InventoryChannel]
    /// Kernel-side facts are only trustworthy when the control device answered.
    public let kernelReadable: Bool

    public init(observation: Observation, generator: String) {
        self.observation = observation
        self.inventory = InventoryBuilder.build(observation.dahdi, generator: generator)
        self.spans = Dictionary(inventory.spans.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        self.channels = Dictionary(inventory.spans.flatMap(\.channels).map { ($0.number, $0) },
                                   uniquingKeysWith: { a, _ in a })
        if case .opened = observation.dahdi.control { kernelReadable = true } else { kernelReadable = false }
    }

    public var systemConf: SystemConfig? { observation.config.systemConf?.value }

    public var parseIssues: [ParseIssue] { observation.config.parseIssues + (observation.asteriskSetup?.parseIssues ?? []) }

    /// Whether anything on this box says DAHDI should be in use: a configured system.conf, card modules to load,
    /// or the driver itself. A box with none of these is a gateway-only box, and DAHDI's absence is no fault.
    public var dahdiConfigured: Bool {
        if let system = systemConf, !(system.channels.isEmpty && system.spans.isEmpty && system.dynamicSpans.isEmpty) { return true }
        if !observation.config.modules.isEmpty { return true }
        if observation.dahdi.sysfs?.moduleLoaded == true { return true }
        if case .opened = observation.dahdi.control { return true }
        if case .permissionDenied = observation.dahdi.control { return true }
        // Nothing looked at (no config read at all): assume DAHDI matters rather than hide a fault.
        return observation.config.systemConf == nil
    }

    /// The finding that explains missing channels: the driver, or a device whose spans are not assigned.
    public var assignmentCauseKey: String? {
        if case .opened = observation.dahdi.control {
            if inventory.devices.contains(where: { $0.spans.contains { $0.assignedSpan == nil } }) { return AssignmentChecks.unassignedKey }
            // A card no driver claimed (dahdi_cfg's "No channel for number N" then blames the signalling): the card.
            if let card = observation.hardware?.cards.first(where: { if case .noDriver = HardwareState.of($0) { return true } else { return false } }) {
                return "card:\(card.location)"
            }
            return nil
        }
        return "driver"
    }

    /// "span 2 (TE4/0/2)".
    public func spanSubject(_ number: Int) -> String {
        spans[number].map { "span \(number) (\($0.name))" } ?? "span \(number)"
    }

    public func channelSubject(_ number: Int) -> String {
        channels[number].map { "channel \(number) (\($0.name))" } ?? "channel \(number)"
    }

    /// Where span alarms were read: the ioctl when it answered, else sysfs.
    public func spanSource(_ number: Int) -> String {
        kernelReadable ? "DAHDI_SPANSTAT span \(number)" : "sysfs span-\(number)/alarms"
    }

    public func channelSource(_ number: Int) -> String {
        kernelReadable ? "DAHDI_GET_PARAMS channel \(number)" : "sysfs channel \(number)"
    }

    /// The key of a span-level alarm finding, so channel findings can name it as their cause.
    public static func spanAlarmKey(_ span: Int) -> String { "span-alarm:\(span)" }
}

/// A family of checks: one file each, an explicit list in `CheckCatalogue` (no self-registration).
public protocol CheckFamily: Sendable {
    static var definitions: [CheckDefinition] { get }
    func run(_ context: CheckContext) -> [Finding]
}
