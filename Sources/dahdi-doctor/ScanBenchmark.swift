import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem

/// `dahdi-doctor scan --bench-reads N` (hidden; used by Tools/bench in the lab): reads the box N times in this
/// process and prints the time per read, so the cost of reading can be compared with a C loop issuing the same
/// ioctls in the same boot. Each kind is timed after one untimed warm-up:
///   - `ioctls`: `DahdiScanner.readControl()`: open /dev/dahdi/ctl, GETVERSION, SPANSTAT per span, GET_PARAMS per
///     channel, decoded into Swift values; close.
///   - `full`: `DahdiScanner.read()`: the same plus sysfs and /proc/dahdi, i.e. all of what `scan` reads from
///     DAHDI, without building or printing the inventory.
///   - `scan`, `scan-json`: everything `scan` and `scan --json` do after the arguments are parsed: the full read,
///     the PCI/USB buses, the inventory, and the table or the JSON (JSONDocumentEncoder), not printed.
///   - `scan-json-foundation`: `scan-json` with Foundation's JSONEncoder instead (what `scan --json` used before).
/// One line per kind: `bench=KIND reads=N control=opened|missing|... spans=S channels=C failures=F median_us=..
/// p90_us=.. min_us=.. mean_us=..`, then `bench=phases` with the median µs of each part of the `scan` and
/// `scan-json` reads (sysfs, proc, ioctls, sysfs-channels, buses, inventory, text, json, json-foundation).
/// Read-only like every scan: it issues nothing but the three permitted ioctls.
enum ScanBenchmark {
    static func run(roots: DahdiRoots, reads: Int) -> String {
        let scanner = DahdiScanner(roots: roots)
        var phases: [String: [Double]] = [:]
        let clock = ContinuousClock()
        /// One `scan` after the arguments: read, buses, inventory, then `render`; each part's time into `phases`.
        func scan(_ render: (Inventory) -> String) -> DahdiReadings {
            var last = clock.now
            func mark(_ part: String) {
                let now = clock.now
                phases[part, default: []].append(micros(last.duration(to: now)))
                last = now
            }
            let readings = scanner.read(mark: mark)
            let hardware = HardwareReader(sysfsRoot: roots.sysfs).read(dahdiDevices: readings.sysfs?.devices.map(\.name) ?? [])
            mark("buses")
            var inventory = InventoryBuilder.build(readings, generator: "dahdi-doctor \(DahdiDoctor.version)")
            inventory.hardware = hardware
            mark("inventory")
            _ = render(inventory)
            return readings
        }
        let text = line("scan", reads: reads) {
            scan { inventory in
                let clock = ContinuousClock(), start = clock.now
                defer { phases["text", default: []].append(micros(start.duration(to: clock.now))) }
                return ScanText.render(inventory)
            }
        }
        let json = line("scan-json", reads: reads) {
            scan { inventory in
                let clock = ContinuousClock(), start = clock.now
                defer { phases["json", default: []].append(micros(start.duration(to: clock.now))) }
                return (try? JSONOutput.encode(inventory)) ?? ""
            }
        }
        let foundation = line("scan-json-foundation", reads: reads) {
            scan { inventory in
                let clock = ContinuousClock(), start = clock.now
                defer { phases["json-foundation", default: []].append(micros(start.duration(to: clock.now))) }
                return (try? JSONOutput.foundationEncode(inventory)) ?? ""
            }
        }
        let order = ["sysfs", "proc", "ioctls", "sysfs-channels", "buses", "inventory", "text", "json", "json-foundation"]
        let phaseLine = "bench=phases " + order.compactMap { part in
            phases[part].map { "\(part)_us=\(format(Summary($0).median))" }
        }.joined(separator: " ") + "\n"
        return line("ioctls", reads: reads) { scanner.readControl() }
            + line("full", reads: reads) { scanner.read() }
            + text + json + foundation + phaseLine
    }

    private static func micros(_ elapsed: Duration) -> Double {
        Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
    }

    private static func line(_ kind: String, reads: Int, _ read: () -> DahdiReadings) -> String {
        let clock = ContinuousClock()
        let first = read()   // warm-up: page faults, libudev's first open, allocator growth
        var micros: [Double] = []
        micros.reserveCapacity(reads)
        var failures = first.failures.count
        for _ in 0..<reads {
            let start = clock.now
            let readings = read()
            let elapsed = start.duration(to: clock.now)
            micros.append(Self.micros(elapsed))
            failures = max(failures, readings.failures.count)
        }
        let stats = Summary(micros)
        let control: String
        switch first.control {
        case .opened: control = "opened"
        case .missing: control = "missing"
        case .permissionDenied: control = "permission-denied"
        case .failed: control = "failed"
        }
        return "bench=\(kind) reads=\(reads) control=\(control) spans=\(first.spans.count) channels=\(first.channels.count) "
            + "failures=\(failures) median_us=\(format(stats.median)) p90_us=\(format(stats.p90)) "
            + "min_us=\(format(stats.min)) mean_us=\(format(stats.mean))\n"
    }

    private static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Order statistics of the timed reads (nearest rank).
    struct Summary {
        var median: Double, p90: Double, min: Double, mean: Double
        init(_ values: [Double]) {
            let sorted = values.sorted()
            func rank(_ q: Double) -> Double {
                sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
            }
            median = rank(0.5); p90 = rank(0.9); min = sorted.first ?? 0
            mean = sorted.reduce(0, +) / Double(Swift.max(1, sorted.count))
        }
    }
}
