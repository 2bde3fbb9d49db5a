import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem

/// `dahdi-doctor scan --bench-reads N` (hidden; used by Tools/bench in the lab): reads the box N times in this
/// process and prints the time per read, so the cost of reading can be compared with a C loop issuing the same
/// ioctls in the same boot. Two kinds of read, each after one untimed warm-up read:
///   - `ioctls`: `DahdiScanner.readControl()`: open /dev/dahdi/ctl, GETVERSION, SPANSTAT per span, GET_PARAMS per
///     channel, decoded into Swift values; close.
///   - `full`: `DahdiScanner.read()`: the same plus sysfs (libudev on the real /sys) and /proc/dahdi, i.e. all of
///     what `scan` reads, without building or printing the inventory.
/// One line per kind: `bench=KIND reads=N control=opened|missing|... spans=S channels=C failures=F median_us=.. p90_us=.. min_us=.. mean_us=..`.
/// Read-only like every scan: it issues nothing but the three permitted ioctls.
enum ScanBenchmark {
    static func run(roots: DahdiRoots, reads: Int) -> String {
        let scanner = DahdiScanner(roots: roots)
        return line("ioctls", reads: reads) { scanner.readControl() }
            + line("full", reads: reads) { scanner.read() }
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
            micros.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
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
