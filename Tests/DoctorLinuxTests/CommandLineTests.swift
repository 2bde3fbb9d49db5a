import Foundation
import Testing
@testable import DoctorCore

/// The real binary against fixture roots: what a technician sees, including the no-DAHDI and no-permission paths.
@Suite(.serialized) struct CommandLineTests {
    let lab = Fixtures.directory + "/lab-healthy"

    @Test func driverNotLoaded() throws {
        let empty = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let result = try Binary.run(["scan", "--sysfs-root", empty, "--procfs-root", empty, "--devfs-root", empty])
        #expect(result.status == 69)
        #expect(result.stderr == "dahdi-doctor: DAHDI driver not loaded (no /sys/module/dahdi, no \(empty)/dahdi/ctl): run 'modprobe dahdi' and your card's driver\n")
        #expect(!result.stdout.contains("Fatal") && !result.stderr.contains("Stack"))
    }

    @Test func moduleLoadedWithoutControlDeviceStillListsSysfs() throws {
        let empty = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let result = try Binary.run(["scan", "--json", "--sysfs-root", lab + "/sys", "--procfs-root", lab + "/proc",
                                     "--devfs-root", empty])
        #expect(result.status == 69)
        let inventory = try JSONOutput.decode(Inventory.self, from: result.stdout)
        #expect(inventory.schemaVersion == 1 && inventory.status.code == .controlDeviceMissing)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(inventory.spans.map(\.number) == [1, 2])
        #expect(inventory.spans[0].channels.count == 24 && inventory.spans[0].channels[0].signalling == "FXSKS")
        #expect(inventory.spans[0].counters == nil)   // only the ioctl has counters: absent, not zero
        #expect(inventory.spans[0].alarmSummary == "OK")
    }

    @Test func notADahdiControlDeviceIsDiagnosed() throws {
        // /dev/dahdi/ctl exists but is a regular file: open works, every ioctl fails ENOTTY.
        let dev = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dev) }
        try FileManager.default.createDirectory(atPath: dev + "/dahdi", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dev + "/dahdi/ctl", contents: Data())
        let result = try Binary.run(["scan", "--json", "--sysfs-root", lab + "/sys", "--procfs-root", lab + "/proc",
                                     "--devfs-root", dev])
        let inventory = try JSONOutput.decode(Inventory.self, from: result.stdout)
        #expect(inventory.problems.count == 2, "GETVERSION and the first SPANSTAT fail; the walk stops there")
        #expect(inventory.problems.allSatisfy { $0.contains("ENOTTY") })
        #expect(inventory.spans.count == 2)          // still listed from sysfs
        #expect(result.status == 0)
    }

    @Test func permissionDenied() throws {
        let dev = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dev) }
        try FileManager.default.createDirectory(atPath: dev + "/dahdi", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dev + "/dahdi/ctl", contents: Data(), attributes: [.posixPermissions: 0o600])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dev)
        // Root ignores file modes, so as root the binary runs as nobody (setpriv, util-linux).
        let prefix = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        let result = try Binary.run(["scan", "--sysfs-root", lab + "/sys", "--procfs-root", lab + "/proc", "--devfs-root", dev],
                                    prefix: prefix)
        #expect(result.status == 77)
        #expect(result.stderr.hasPrefix("dahdi-doctor: cannot open \(dev)/dahdi/ctl: Permission denied"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func aBrokenSettingsFileIsUnknownWithItsLocation() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[ami]\nport = 99999\n".write(toFile: dir + "/bad.toml", atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "--config", dir + "/bad.toml", "--etc-root", dir])
        #expect(result.status == 3)
        #expect(result.stderr == "dahdi-doctor: \(dir)/bad.toml: line 2, ami.port: must be between 1 and 65535, not 99999\n")
        // A missing settings file is not an error: the defaults apply.
        let missing = try Binary.run(["check", "--config", dir + "/none.toml", "--etc-root", dir, "--format", "nagios"])
        #expect(missing.stdout.hasPrefix("DAHDI "))
    }

    @Test func benchReadsTimesEachKindOfReadAndStaysHidden() throws {
        // Tools/bench's in-process measurement. A regular file as /dev/dahdi/ctl: it opens, every ioctl fails ENOTTY.
        let dev = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dev) }
        try FileManager.default.createDirectory(atPath: dev + "/dahdi", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dev + "/dahdi/ctl", contents: Data())
        let result = try Binary.run(["scan", "--bench-reads", "3", "--sysfs-root", lab + "/sys", "--procfs-root", lab + "/proc",
                                     "--devfs-root", dev])
        #expect(result.status == 0 && result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        let kinds = ["ioctls", "full", "scan", "scan-json", "scan-json-foundation"]
        for (line, kind) in zip(lines, kinds) {
            let fields = Dictionary(uniqueKeysWithValues: line.split(separator: " ").map {
                let pair = $0.split(separator: "=", maxSplits: 1)
                return (String(pair[0]), pair.count == 2 ? String(pair[1]) : "")
            })
            #expect(fields["bench"] == kind && fields["reads"] == "3" && fields["control"] == "opened")
            #expect(fields["spans"] == "0" && fields["channels"] == "0")
            #expect(fields["failures"] == "2", "GETVERSION and the first SPANSTAT fail ENOTTY: \(line)")
            let times = ["min_us", "median_us", "p90_us"].compactMap { fields[$0].flatMap(Double.init) }
            #expect(times.count == 3 && times[0] <= times[1] && times[1] <= times[2], "\(line)")
        }
        // The parts of the scan pipelines, each a median in µs.
        let phases = lines.last ?? ""
        #expect(phases.hasPrefix("bench=phases "))
        for part in ["sysfs", "proc", "ioctls", "sysfs-channels", "buses", "inventory", "text", "json", "json-foundation"] {
            #expect(phases.contains(" \(part)_us="), "\(phases)")
        }
        let missing = try Binary.run(["scan", "--bench-reads", "1", "--sysfs-root", dev, "--procfs-root", dev, "--devfs-root", dev + "/none"])
        #expect(missing.stdout.hasPrefix("bench=ioctls reads=1 control=missing spans=0"))
        #expect(try Binary.run(["scan", "--bench-reads", "0"]).status == 64)
        #expect(!(try Binary.run(["scan", "--help"]).stdout.contains("bench")))
    }

    @Test func usageErrorsAreSixtyFour() throws {
        let result = try Binary.run(["scan", "--no-such-flag"])
        #expect(result.status == 64)
    }
}
