import Foundation
import Testing
@testable import DoctorCore

/// `dahdi-doctor verify`, the real binary, under umockdev: libudev sees the PCI functions and DAHDI objects of a
/// `.umockdev` tree, and libusb enumerates its USB devices from the tree's `descriptors` attributes (umockdev
/// redirects /sys, which libusb's Linux backend reads). The trees are made by
/// Fixtures/umockdev/make-verify-trees.py. No tree has /dev/dahdi/ctl, so the trees with DAHDI objects tolerate
/// the control-device-missing finding that this rightly raises.
@Suite(.serialized) struct VerifyTests {
    static let umockdevRun = "/usr/bin/umockdev-run"

    struct Run {
        var result: Binary.Result
        var verify: VerifyResult?
        var junit: String?
    }

    /// Writes `manifest` to a scratch file and runs verify on `tree` with --json and --junit.
    func verify(_ tree: String, manifest: String, extra: [String] = []) throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.umockdevRun),
                     "umockdev-run is missing: run Tools/setup (Debian package umockdev)")
        let scratch = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let manifestPath = scratch + "/site.toml"
        try manifest.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let result = try Binary.run(["verify", "--manifest", manifestPath, "--json", "--junit", scratch + "/junit.xml",
                                     "--devfs-root", scratch, "--procfs-root", scratch, "--etc-root", scratch,
                                     "--config", scratch + "/none.toml", "--no-ami"] + extra,
                                    prefix: [Self.umockdevRun, "-d", Fixtures.directory + "/umockdev/verify-" + tree + ".umockdev", "--"])
        let decoded = try? JSONOutput.decode(VerifyResult.self, from: result.stdout)
        if decoded != nil { try validate(result.stdout) }
        return Run(result: result, verify: decoded, junit: try? String(contentsOfFile: scratch + "/junit.xml", encoding: .utf8))
    }

    /// The JSON against Config/verify.schema.v1.json, with Debian's python3-jsonschema (as the lab does).
    func validate(_ json: String) throws {
        let schema = Fixtures.directory + "/../../../Config/verify.schema.v1.json"
        let check = try Binary.runTool("/usr/bin/python3", ["-c", """
            import json, sys, jsonschema
            jsonschema.validate(json.load(sys.stdin), json.load(open(sys.argv[1])))
            """, schema], stdin: json)
        #expect(check.status == 0, "verify JSON does not match the schema: \(check.stderr)")
    }

    /// JUnit XML that parses, with one testcase per expectation and the failures counted.
    func junitSummary(_ xml: String) throws -> String {
        let check = try Binary.runTool("/usr/bin/python3", ["-c", """
            import sys, xml.etree.ElementTree as ET
            root = ET.fromstring(sys.stdin.read())
            cases = root.findall('./testsuite/testcase')
            print(len(cases), len([c for c in cases if c.find('failure') is not None]), len([c for c in cases if c.find('error') is not None]))
            """], stdin: xml)
        return check.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func expectation(_ run: Run, _ id: String) -> ExpectationResult? { run.verify?.expectations.first { $0.id == id } }

    @Test func quadSpanDigitalCardWithItsDriverBound() throws {
        let manifest = """
            [manifest]
            name = "te420 box"
            [[card]]
            model = "Digium Wildcard TE420 (5th Gen)"
            slot = "0000:03:00.0"
            [dahdi]
            devices = 1
            spans = 4
            channels = 96
            echo_canceller = "VPMOCT064"
            [[span]]
            number = 1
            type = "T1"
            framing = "ESF"
            coding = "B8ZS"
            sync_master = true
            [[span]]
            number = 4
            sync_master = false
            channels = 24
            [[channels]]
            signalling = "Clear"
            port = "digital"
            count = 92
            [[channels]]
            signalling = "HDLCFCS"
            count = 4
            [faults]
            tolerate = ["control-device-missing"]
            """
        let run = try verify("te420-wct4xxp", manifest: manifest)
        #expect(run.result.status == 0, "\(run.result.stdout)\(run.result.stderr)")
        let result = try #require(run.verify)
        #expect(result.status == .pass && result.counts.fail == 0 && result.name == "te420 box")
        #expect(result.expectations.map(\.id) == ["card[1].count", "card[1].driver", "dahdi.devices", "dahdi.spans", "dahdi.channels",
                                                  "dahdi.echo_canceller", "span[1]", "span[2]", "channels[1]", "channels[2]", "faults"])
        #expect(expectation(run, "card[1].count")?.evidence.first?.value == "Digium Wildcard TE420 (5th Gen) (d161:1420), driver wct4xxp")
        #expect(expectation(run, "card[1].driver")?.evidence.first?.source == "/sys/bus/pci/devices/0000:03:00.0/driver")
        #expect(expectation(run, "dahdi.echo_canceller")?.found == "92 of 92 voice channel(s) have VPMOCT064")
        #expect(expectation(run, "faults")?.found == "only tolerated: control-device-missing")
        #expect(try junitSummary(try #require(run.junit)) == "11 0 0")

        // The same box against a manifest that orders more: six spans and a second card.
        let more = try verify("te420-wct4xxp", manifest: "[[card]]\nmodel = \"Wildcard TE420 (5th Gen)\"\ncount = 2\n[dahdi]\nspans = 6\n"
                              + "[[span]]\nnumber = 1\ntype = \"E1\"\n[faults]\ntolerate = [\"control-device-missing\"]\n")
        #expect(more.result.status == 1)
        #expect(more.verify?.status == .fail && more.verify?.counts.fail == 3)
        #expect(expectation(more, "card[1].count")?.found == "1 found")
        #expect(expectation(more, "dahdi.spans")?.found == "4 span(s)")
        #expect(expectation(more, "dahdi.spans")?.evidence.first?.value == "1 TE4/0/1 (T1), 2 TE4/0/2 (T1), 3 TE4/0/3 (T1), 4 TE4/0/4 (T1)")
        #expect(expectation(more, "span[1]")?.found == "TE4/0/1: type T1, not E1")
        #expect(try junitSummary(try #require(more.junit)) == "5 3 0")
        #expect(more.junit?.contains("<failure message=\"4 span(s)\"") == true)
    }

    @Test func analogCardWhoseDriverIsMissing() throws {
        let run = try verify("tdm410p-no-driver", manifest: "[[card]]\nmodel = \"Wildcard TDM410P\"\n[dahdi]\nspans = 1\n[[channels]]\nsignalling = \"FXSKS\"\nport = \"FXO\"\ncount = 4\n")
        #expect(run.result.status == 1)
        let result = try #require(run.verify)
        #expect(result.expectations.map(\.id) == ["card[1].count", "card[1].driver", "dahdi.spans", "channels[1]", "faults"])
        #expect(result.expectations.map(\.status) == [.pass, .fail, .fail, .fail, .fail])
        let driver = try #require(expectation(run, "card[1].driver"))
        #expect(driver.expected == "driver wctdm24xxp bound")
        #expect(driver.found.hasPrefix("PCI 0000:04:00.0: no driver bound (removed from wctdm24xxp's PCI table in DAHDI 3.0.0"))
        #expect(driver.evidence == [Evidence("driver", "none", source: "/sys/bus/pci/devices/0000:04:00.0/driver")])
        // The catalogue's own finding is the evidence of the faults expectation.
        #expect(expectation(run, "faults")?.evidence.first?.label == "card-without-driver")
    }

    @Test func astribankBeforeAndAfterItsFirmwareIsLoaded() throws {
        let manifest = """
            [[card]]
            model = "Xorcom Astribank-multi"
            slot = "2-1"
            [dahdi]
            devices = 1
            spans = 2
            [[channels]]
            signalling = "FXOKS"
            port = "FXS"
            count = 8
            [[channels]]
            signalling = "FXSKS"
            port = "FXO"
            count = 8
            [fxo]
            lines_with_battery = 6
            [faults]
            tolerate = ["control-device-missing", "fxo-no-battery", "fxotune-never-run"]
            """
        let before = try verify("astribank-no-firmware", manifest: manifest)
        #expect(before.result.status == 1)
        #expect(expectation(before, "card[1].count")?.status == .pass)
        #expect(expectation(before, "card[1].count")?.evidence.first?.source == "USB 002/003 port 2-1 (libusb)")
        #expect(expectation(before, "card[1].driver")?.found == "USB 002/003 (port 2-1): no driver bound (waiting for firmware)")
        let firmware = try #require(expectation(before, "card[1].firmware"))
        #expect(firmware.status == .fail && firmware.found == "USB 002/003 (port 2-1): waiting for firmware (none loaded)")
        #expect(firmware.evidence.first?.value == "e4e4:1150: firmware none")
        #expect(expectation(before, "dahdi.spans")?.found == "0 span(s)")
        #expect(expectation(before, "faults")?.evidence.first?.label == "astribank-waiting-for-firmware")

        let after = try verify("astribank-loaded", manifest: manifest)
        #expect(after.result.status == 0, "\(after.result.stdout)")
        #expect(after.verify?.status == .pass)
        #expect(expectation(after, "card[1].firmware")?.evidence.first?.value == "e4e4:1152: firmware fpga")
        #expect(expectation(after, "fxo.lines_with_battery")?.found == "6 of 8 FXO port(s) with battery")
        #expect(expectation(after, "fxo.lines_with_battery")?.evidence.last == Evidence("without battery (RED)", "15-16", source: "channel alarms"))
        #expect(try junitSummary(try #require(after.junit)) == "9 0 0")
    }

    @Test func sangomaCard() throws {
        let manifest = """
            [[card]]
            id = "1923:0100"
            driver = "wanpipe"
            [dahdi]
            spans = 4
            channels = 124
            [[span]]
            number = 2
            type = "E1"
            framing = "CCS/CRC4"
            coding = "HDB3"
            sync_master = false
            [[channels]]
            signalling = "Hardware-assisted HDLC"
            count = 4
            [faults]
            tolerate = ["control-device-missing"]
            """
        let run = try verify("sangoma-a104", manifest: manifest)
        #expect(run.result.status == 0, "\(run.result.stdout)")
        #expect(run.verify?.counts == VerifyResult.Counts(pass: 7, fail: 0, unknown: 0))
        #expect(expectation(run, "card[1].count")?.evidence.first?.value == "Sangoma A104d QUAD T1/E1 AFT card (1923:0100), driver wanpipe")
        #expect(expectation(run, "span[1]")?.found == "WPE1/1: as expected")
    }

    @Test func emptyBox() throws {
        let run = try verify("empty", manifest: "[[card]]\nmodel = \"Wildcard TE420 (5th Gen)\"\n[dahdi]\ndevices = 1\n")
        #expect(run.result.status == 1)
        let count = try #require(expectation(run, "card[1].count"))
        #expect(count.status == .fail && count.found == "0 found")
        #expect(count.evidence.map(\.label) == ["bus", "bus", "telephony cards"])
        #expect(count.evidence.last?.value == "none")
        #expect(count.evidence[1].value == "libusb, 1 USB device(s)")
        // Nothing was found, so there is no driver expectation to make.
        #expect(expectation(run, "card[1].driver") == nil)
        #expect(expectation(run, "dahdi.devices")?.found == "0 DAHDI device(s)")

        // An empty box ordered empty passes: no card, no DAHDI, no fault (dahdi-not-in-use is info).
        let empty = try verify("empty", manifest: "[dahdi]\ndevices = 0\nspans = 0\n")
        #expect(empty.result.status == 0, "\(empty.result.stdout)")
        #expect(empty.verify?.status == .pass)
    }

    @Test func writtenManifestsRoundTrip() throws {
        for tree in ["te420-wct4xxp", "sangoma-a104", "astribank-loaded", "empty"] {
            let scratch = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let prefix = [Self.umockdevRun, "-d", Fixtures.directory + "/umockdev/verify-" + tree + ".umockdev", "--"]
            let roots = ["--devfs-root", scratch, "--procfs-root", scratch, "--etc-root", scratch, "--config", scratch + "/none.toml", "--no-ami"]
            let write = try Binary.run(["verify", "--write-manifest", scratch + "/captured.toml"] + roots, prefix: prefix)
            #expect(write.status == 0, "\(tree): \(write.stderr)")
            let again = try Binary.run(["verify", "--manifest", scratch + "/captured.toml", "--json"] + roots, prefix: prefix)
            #expect(again.status == 0, "\(tree): \(again.stdout)")
            let result = try JSONOutput.decode(VerifyResult.self, from: again.stdout)
            #expect(result.status == .pass && result.counts.pass == result.expectations.count)
        }
    }

    @Test func manifestAndUsageErrorsHaveTheirOwnExitCodes() throws {
        let scratch = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try "[dahdi]\nspans = 2\nspanz = 3\n".write(toFile: scratch + "/bad.toml", atomically: true, encoding: .utf8)
        let bad = try Binary.run(["verify", "--manifest", scratch + "/bad.toml", "--sysfs-root", scratch])
        #expect(bad.status == 65)
        #expect(bad.stderr == "dahdi-doctor: \(scratch)/bad.toml: line 3, dahdi.spanz: unknown key\n")
        #expect(bad.stdout.isEmpty)
        let missing = try Binary.run(["verify", "--manifest", scratch + "/absent.toml"])
        #expect(missing.status == 65 && missing.stderr.contains("cannot read manifest"))
        let usage = try Binary.run(["verify"])
        #expect(usage.status == 64)
        let unwritable = try Binary.run(["verify", "--write-manifest", scratch + "/no/such/dir/m.toml", "--sysfs-root", scratch,
                                         "--devfs-root", scratch, "--procfs-root", scratch, "--etc-root", scratch, "--no-ami"])
        #expect(unwritable.status == 73)
    }
}
