/// A card whose interrupts never arrive: its line in /proc/interrupts does not grow between two samples while its
/// spans are there. A DAHDI card interrupts about 1000 times a second; without interrupts no audio moves and the
/// spans go into alarm and slip, which are consequences, folded under this finding.
public struct InterruptChecks: CheckFamily {
    public static let notDelivered = CheckDefinition(
        id: "card-interrupts-not-delivered", family: "interrupts", severity: .critical,
        title: "the card's interrupts are not delivered",
        explanation: """
            The card's IRQ line in /proc/interrupts did not grow between two samples while its driver has spans \
            registered. DAHDI cards interrupt every millisecond; when the interrupt is not routed (PCIe on some ARM \
            boards, MSI disabled or broken, a BIOS IRQ or APIC setting, a bad slot), the driver logs "Interrupts \
            not detected" and the spans show alarms, slips and silence. Span alarms and timing slips of the card's \
            spans are folded under this finding.
            """,
        remediation: "move the card to another slot, try pci=nomsi or the BIOS's APIC/IRQ settings (on ARM, check the board's PCIe interrupt mapping), reboot and compare /proc/interrupts twice",
        faults: ["C05"])

    public static let definitions = [notDelivered]

    public init() {}

    static func key(_ driver: String) -> String { "interrupts:\(driver)" }

    /// The drivers whose interrupt lines did not grow, with their lines.
    public static func deadDrivers(_ context: CheckContext) -> [(driver: String, lines: [InterruptLine], second: [InterruptLine])] {
        guard let samples = context.observation.interrupts, samples.intervalSeconds > 0 else { return [] }
        let hardwareSpans = context.inventory.spans.filter { $0.type?.uppercased() != "DYNAMIC" && !$0.name.hasPrefix("DYN/") }
        guard !hardwareSpans.isEmpty else { return [] }
        let drivers = Set((context.observation.hardware?.cards ?? []).filter { $0.kind != .transcoder }.compactMap(\.driver))
        var dead: [(String, [InterruptLine], [InterruptLine])] = []
        for driver in drivers.sorted() {
            let first = samples.first.filter { line in line.handlers.contains { $0 == driver || $0.hasPrefix(driver) } }
            guard !first.isEmpty else { continue }
            let second = first.compactMap { line in samples.second.first { $0.irq == line.irq } }
            guard second.count == first.count else { continue }
            let grew = zip(first, second).contains { $1.count > $0.count }
            if !grew { dead.append((driver, first, second)) }
        }
        return dead
    }

    /// The interrupt finding that explains a span's alarms: its card's driver is dead.
    public static func causeKey(_ context: CheckContext, span: Int) -> String? {
        let dead = deadDrivers(context)
        guard !dead.isEmpty, let entry = context.spans[span], entry.type?.uppercased() != "DYNAMIC" else { return nil }
        let cards = context.observation.hardware?.cards ?? []
        if let device = entry.device, let card = cards.first(where: { $0.dahdiDevice == device }), let driver = card.driver {
            return dead.contains { $0.driver == driver } ? key(driver) : nil
        }
        return dead.count == 1 ? key(dead[0].driver) : nil
    }

    public func run(_ context: CheckContext) -> [Finding] {
        guard let samples = context.observation.interrupts else { return [] }
        return Self.deadDrivers(context).map { driver, first, second in
            let irqs = first.map(\.irq).joined(separator: ", ")
            let interval = String(format2: samples.intervalSeconds)
            var evidence = zip(first, second).map { a, b in
                Evidence("IRQ \(a.irq)", "\(a.count) then \(b.count) over \(interval) s (\(a.description))", source: samples.source)
            }
            let spans = context.inventory.spans.filter { Self.causeKey(context, span: $0.number) == Self.key(driver) }
            if !spans.isEmpty {
                evidence.append(Evidence("spans", spans.map { "\($0.number)" }.joined(separator: ", "), source: "DAHDI_SPANSTAT"))
            }
            for event in (context.observation.kernelModules?.kernelLog ?? []) where event.kind == .interruptsNotDetected {
                evidence.append(Evidence("kernel log", event.message, source: context.observation.kernelModules?.kernelLogSource ?? "kernel log"))
            }
            return Finding(Self.notDelivered, subject: "IRQ \(irqs) (\(driver))",
                           message: "\(driver)'s interrupt (IRQ \(irqs)) did not fire in \(interval) s while its spans are registered",
                           evidence: evidence, key: Self.key(driver))
        }
    }
}

extension String {
    /// Two decimals without Foundation.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        self = "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}
