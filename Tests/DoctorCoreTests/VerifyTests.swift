import Testing
@testable import DoctorCore

/// The manifest parser, the known-hardware table, the hardware checks, the verifier and its renderers, pure.
struct ManifestParserTests {
    func error(_ text: String) -> ManifestError? {
        if case .failure(let error) = ManifestParser.parse(text, file: "site.toml") { return error }
        return nil
    }

    @Test func parsesTheDocumentedExample() throws {
        let text = try Fixtures.read("../../../Config/manifest.example.toml")
        let manifest = try ManifestParser.parse(text, file: "manifest.example.toml").get()
        #expect(manifest.name == "branch-office-3")
        #expect(manifest.cards.map(\.label) == ["Wildcard TE420 (5th Gen)", "e4e4:1152"])
        #expect(manifest.cards[0].slot == "0000:03:00.0" && manifest.cards[1].bus == .usb && manifest.cards[1].driver == "xpp_usb")
        #expect(manifest.dahdi?.spans == 6 && manifest.dahdi?.echoCanceller == "VPMOCT064")
        #expect(manifest.spans.map(\.number) == [1, 2] && manifest.spans[0].syncMaster == true)
        #expect(manifest.channels.map(\.count) == [8, 92])
        #expect(manifest.fxo?.linesWithBattery == 6)
        #expect(manifest.gateways.first?.registered == true)
        #expect(manifest.asterisk?.endpoints == ["gateway-fxo-1", "trunk-provider"])
        #expect(manifest.faults.tolerate == ["fxotune-never-run"] && manifest.faults.failOn == .warning)
    }

    @Test func errorsNameTheLineAndTheKey() {
        #expect(error("[dahdi]\nspans = 4\nspan = 2\n")?.description == "site.toml: line 3, dahdi.span: unknown key")
        #expect(error("[[card]]\nid = \"d161\"\n")?.description.hasPrefix("site.toml: line 2, card[1].id: must be vendor:device") == true)
        #expect(error("[[card]]\nmodel = \"TE420\"\nid = \"d161:1420\"\n")?.description == "site.toml: line 1, card[1]: needs exactly one of model or id")
        #expect(error("[[card]]\nmodel = \"TE420\"\ncount = 2\nslot = \"0000:03:00.0\"\n")?.description == "site.toml: line 4, card[1].slot: a pinned slot needs count = 1")
        #expect(error("[faults]\ntolerate = [\"span-red-alarm\", \"span-redd-alarm\"]\n")?.description
                == "site.toml: line 2, faults.tolerate: 'span-redd-alarm' is not a check ID (dahdi-doctor explain lists them)")
        #expect(error("[[channels]]\nsignalling = \"fxsks\"\nport = \"FXX\"\ncount = 1\n")?.location == "line 3, channels[1].port")
        #expect(error("[[channels]]\nsignalling = \"FXQ\"\ncount = 1\n")?.location == "line 2, channels[1].signalling")
        #expect(error("[[span]]\ntype = \"E1\"\n")?.description == "site.toml: line 1, span[1].number: is required")
        #expect(error("[dahdi\n")?.description == "site.toml: line 1: malformed table header")
        #expect(error("[dahdi]\nspans = \"4\"\n")?.description == "site.toml: line 2, dahdi.spans: must be an integer")
        #expect(error("[asterisk]\nendpoints = [\"a\", 2]\n")?.location == "line 2, asterisk.endpoints")
        #expect(error("[[span]]\nnumber = 1\n[[span]]\nnumber = 1\n")?.description == "site.toml: line 4, span[2].number: span 1 is listed twice")
    }

    @Test func hostileInputIsAnErrorNotACrash() {
        for text in ["\u{0}\u{1}\u{2}", "[[[", "= 1", String(repeating: "[", count: 10_000), "a = [[[[[[[[[[1]]]]]]]]]]", "\u{FEFF}[x]\n"] {
            #expect(error(text) != nil)
        }
        // An empty manifest is valid: it only asks for a box without faults.
        #expect(error("") == nil)
    }
}

struct KnownHardwareTests {
    @Test func pciLookupPrefersTheMostSpecificEntry() {
        #expect(KnownHardware.lookupPCI(vendor: 0xd161, device: 0x0410, subVendor: 0x0004, subDevice: 0x0001)?.model == "Wildcard TE410P (4th Gen)")
        #expect(KnownHardware.lookupPCI(vendor: 0xd161, device: 0x0410, subVendor: 0x0003, subDevice: nil)?.model == "Wildcard TE410P (3rd Gen)")
        #expect(KnownHardware.lookupPCI(vendor: 0xd161, device: 0x0410, subVendor: 0xd161, subDevice: 0x0410)?.model == "Wildcard TE410P (2nd Gen)")
        #expect(KnownHardware.lookupPCI(vendor: 0x1397, device: 0x08b4, subVendor: 0x1397, subDevice: 0xe888)?.model == "B400P")
        #expect(KnownHardware.lookupPCI(vendor: 0x1397, device: 0x08b4, subVendor: 0x1397, subDevice: 0x1234)?.driver == "qozap")
        #expect(KnownHardware.lookupPCI(vendor: 0xe159, device: 0x0001, subVendor: 0x9500, subDevice: 0x0003)?.driver == "opvxa1200")
        // A bare Tiger Jet is not a known card (dahdi-tools ignores it too).
        #expect(KnownHardware.lookupPCI(vendor: 0xe159, device: 0x0001, subVendor: 0x1234, subDevice: 0x0001) == nil)
        #expect(KnownHardware.lookupPCI(vendor: 0xd161, device: 0x8005, subVendor: nil, subDevice: nil)?.supportDropped != nil)
        #expect(KnownHardware.lookupPCI(vendor: 0xd161, device: 0x2400, subVendor: nil, subDevice: nil)?.supportDropped == nil)
    }

    @Test func astribankFirmwareStateComesFromTheProductID() {
        let states = (0x1150...0x1152).map { KnownHardware.lookupUSB(vendor: 0xe4e4, product: UInt16($0))?.firmware }
        #expect(states == [.missing, .usbOnly, .loaded])
        #expect(states.map { $0?.waiting } == [true, true, false])
    }

    @Test func everyTableIDIsWellFormedAndUnique() {
        let ids = KnownHardware.table.map { "\($0.bus.rawValue) \($0.id)" }
        #expect(Set(ids).count == ids.count)
        for entry in KnownHardware.table { #expect(KnownHardware.parseID(entry.id) != nil) }
    }

    @Test func buildKeepsTelephonyCardsOnly() {
        let pci = [PCIDeviceRecord(address: "0000:00:1f.0", vendor: 0x8086, device: 0x2918),
                   PCIDeviceRecord(address: "0000:03:00.0", vendor: 0xd161, device: 0x1420, subVendor: 0xd161, subDevice: 0x1420, driver: "wct4xxp"),
                   PCIDeviceRecord(address: "0000:05:00.0", vendor: 0xd161, device: 0x9999)]
        let usb = [USBDeviceRecord(bus: 2, address: 3, portPath: "2-1", vendor: 0xe4e4, product: 0x1151)]
        let hardware = HardwareObservation.build(pci: pci, pciSource: SourceStatus(name: "pci", available: true, detail: ""),
                                                 usb: usb, usbSource: SourceStatus(name: "usb", available: true, detail: ""),
                                                 dahdiDevices: ["pci:0000:03:00.0"])
        #expect(hardware.cards.map(\.id) == ["d161:1420", "d161:9999", "e4e4:1151"])
        #expect(hardware.cards[0].dahdiDevice == "pci:0000:03:00.0" && HardwareState.of(hardware.cards[0]) == .ok)
        #expect(hardware.cards[1].expectedDriver == nil && hardware.cards[1].model == "unlisted device d161:9999")
        #expect(HardwareState.of(hardware.cards[2]) == .waitingForFirmware(.usbOnly))
        #expect(hardware.cards[2].address == "002/003")
    }
}

struct VerifierTests {
    func labObservation(_ name: String) throws -> Observation {
        try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-\(name).json"))
    }

    func verify(_ text: String, _ observation: Observation) throws -> VerifyResult {
        let manifest = try ManifestParser.parse(text, file: "m.toml").get()
        let report = Diagnosis.run(observation, generator: "test")
        return Verifier.verify(manifest, file: "m.toml", observation: observation, report: report, generator: "test")
    }

    @Test func aWrittenManifestVerifiesTheBoxItWasWrittenFrom() throws {
        for name in ["healthy", "red-yellow", "inverted-signalling"] {
            let observation = try labObservation(name)
            let report = Diagnosis.run(observation, generator: "test")
            let text = ManifestWriter.write(observation: observation, report: report, name: "lab \(name)", generator: "test")
            let result = try verify(text, observation)
            #expect(result.status == .pass, "\(name): \(result.expectations.filter { $0.status != .pass })")
            #expect(result.expectations.count > 4)
        }
    }

    @Test func theHealthyLabBoxAgainstMoreSpansFailsWithEvidence() throws {
        let result = try verify("[dahdi]\nspans = 4\n[[span]]\nnumber = 3\ntype = \"T1\"\n", try labObservation("healthy"))
        #expect(result.status == .fail && result.exitCode == 1)
        let spans = try #require(result.expectations.first { $0.id == "dahdi.spans" })
        #expect(spans.status == .fail && spans.found == "2 span(s)" && spans.line == 1)
        #expect(spans.evidence.first?.value.hasPrefix("1 ") == true)
        #expect(result.expectations.first { $0.id == "span[1]" }?.found == "no span 3")
        #expect(result.expectations.first { $0.id == "faults" }?.status == .pass)
    }

    @Test func faultsFailUnlessTolerated() throws {
        let observation = try labObservation("red-yellow")
        #expect(try verify("", observation).expectations.last?.status == .fail)
        let tolerant = try verify("[faults]\ntolerate = [\"span-red-alarm\", \"span-yellow-alarm\"]\n", observation)
        #expect(tolerant.expectations.last?.status == .pass, "\(tolerant.expectations.last!)")
    }

    @Test func whatCannotBeLookedAtIsUnknownNotPass() throws {
        let result = try verify("[asterisk]\nendpoints = [\"trunk\"]\n[[gateway]]\nname = \"gw\"\n[[card]]\nmodel = \"TE420\"\n",
                                try labObservation("healthy"))
        #expect(result.expectations.map(\.status) == [.unknown, .unknown, .unknown, .pass])
        #expect(result.status == .unknown && result.exitCode == 2)
    }

    @Test func junitHasOneTestcasePerExpectationWithEscapedEvidence() throws {
        var result = try verify("[dahdi]\nspans = 4\ndevices = 5\n", try labObservation("healthy"))
        result.expectations[0].evidence.append(Evidence("odd", "<a & \"b\">\u{1}", source: "x"))
        let xml = VerifyJUnit.render(result, hostname: "pbx")
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == result.expectations.count)
        #expect(xml.contains("failures=\"2\""))
        #expect(xml.contains("&lt;a &amp; &quot;b&quot;&gt;\u{FFFD}"))
        #expect(!xml.contains("\u{1}"))
    }
}

struct HardwareCheckTests {
    @Test func cardsWithoutDriverAndWaitingAstribanksAreFindings() throws {
        var observation = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-healthy.json"))
        observation.hardware = HardwareObservation.build(
            pci: [PCIDeviceRecord(address: "0000:04:00.0", vendor: 0xd161, device: 0x8005),
                  PCIDeviceRecord(address: "0000:05:00.0", vendor: 0x1397, device: 0x08b4, subVendor: 0x1397, subDevice: 0xe888, driver: "hfcpci")],
            pciSource: SourceStatus(name: "pci", available: true, detail: ""),
            usb: [USBDeviceRecord(bus: 1, address: 4, portPath: "1-2", vendor: 0xe4e4, product: 0x1160),
                  USBDeviceRecord(bus: 1, address: 5, portPath: "1-3", vendor: 0xe4e4, product: 0x1162, driver: "xpp_usb")],
            usbSource: SourceStatus(name: "usb", available: true, detail: ""))
        let report = Diagnosis.run(observation, generator: "test")
        let ids = report.findings.flatMap(\.flattened).map(\.id)
        #expect(ids.filter { ["card-without-driver", "card-other-driver", "astribank-waiting-for-firmware"].contains($0) }
                == ["card-without-driver", "astribank-waiting-for-firmware", "card-other-driver"])
        let dropped = try #require(report.findings.first { $0.id == "card-without-driver" })
        #expect(dropped.evidence.contains { $0.label == "support" && $0.value.contains("DAHDI 3.0.0") })
        #expect(dropped.remediation.contains("DAHDI 2.11"))
    }
}
