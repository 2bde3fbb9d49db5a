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
