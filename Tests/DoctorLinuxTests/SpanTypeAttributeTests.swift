import Foundation
import Testing
@testable import DoctorCore
@testable import DoctorKernel

/// `span-type-attribute-unread` end to end: the sysfs tree recorded from Debian's DAHDI 2.11.1 (devices with
/// `dahdi_spantype`) and the dahdi-tools trees in Fixtures/span-types, read by the real readers.
@Suite struct SpanTypeAttributeTests {
    static let id = "span-type-attribute-unread"

    func tools(_ tree: String) -> KernelModulesObservation {
        let root = Fixtures.directory + "/span-types/" + tree
        return KernelModulesReader(fsRoot: root, procfsRoot: root + "/proc", devfsRoot: root + "/no-dev").read(kernelLog: false)
    }

    /// The lab-healthy observation with the recorded sysfs tree re-read (so devices carry the attribute name) and
    /// the given tools tree.
    func report(_ tree: String, kernelName: String? = nil, spanTypesConf: Bool = false) throws -> Report {
        let json = try String(contentsOfFile: Fixtures.directory + "/../../DoctorCoreTests/Fixtures/observations/lab-healthy.json", encoding: .utf8)
        var observation = try JSONOutput.decode(Observation.self, from: json)
        var sysfs = SysfsDirectoryReader(root: Fixtures.directory + "/lab-healthy/sys").read()
        if let kernelName { for index in sysfs.devices.indices { sysfs.devices[index].spanTypeAttribute = kernelName } }
        observation.dahdi.sysfs = sysfs
        observation.kernelModules = tools(tree)
        if spanTypesConf {
            var conf = SpanTypesConfig()
            conf.entries = SpanTypesParser.parse("* *:E1\n", file: "/etc/dahdi/span-types.conf").entries
            observation.config.spanTypes = .present(path: "/etc/dahdi/span-types.conf", value: conf)
        }
        return Diagnosis.run(observation, generator: "t")
    }

    func finding(_ report: Report) -> Finding? { report.findings.flatMap(\.flattened).first { $0.id == Self.id } }

    @Test func theRecordedDebianTreeExposesTheNewName() {
        let sysfs = SysfsDirectoryReader(root: Fixtures.directory + "/lab-healthy/sys").read()
        #expect(sysfs.devices.map(\.spanTypeAttribute) == ["dahdi_spantype", "dahdi_spantype"])
        let old = SysfsSnapshotBuilder.device(SysfsObject(name: "pci:0000:03:04.0", parentName: nil) { $0 == "spantype" ? "1:E1\n2:E1\n" : nil },
                                              spanNumbers: [])
        #expect(old.spanTypeAttribute == "spantype" && old.spanTypes.map(\.type) == ["E1", "E1"])
        let neither = SysfsSnapshotBuilder.device(SysfsObject(name: "x", parentName: nil) { _ in nil }, spanNumbers: [])
        #expect(neither.spanTypeAttribute == nil)
    }

    @Test func readerSortsTheScriptsByTheNameTheyRead() throws {
        let release = try #require(tools("release-tools-source").dahdiTools)
        #expect(release.scripts.map { $0.path.split(separator: "/").last.map(String.init) } == ["dahdi_span_types", "dahdi_span_assignments", "dahdi_waitfor_span_assignments"])
        #expect(release.scripts.allSatisfy { $0.readsOldNameOnly })
        #expect(release.packageName == nil && release.packageVersion == nil)

        let packaged = try #require(tools("release-tools-dpkg").dahdiTools)
        #expect(packaged.packageName == "dahdi" && packaged.packageVersion == "1:2.11.1-3")

        let patched = try #require(tools("debian-patched").dahdiTools)
        #expect(patched.scripts.map(\.spanTypeNames) == [["spantype", "dahdi_spantype"], ["spantype", "dahdi_spantype"], ["spantype"]])
        #expect(patched.packageVersion == nil)   // dpkg's status is read only when a deciding script is blind

        #expect(try #require(tools("unrecognised").dahdiTools).scripts.map(\.spanTypeNames) == [[]])
        #expect(tools("no-tools").dahdiTools == nil)
    }

    @Test func releaseToolsFromSourceOnTheNewNameFire() throws {
        let report = try report("release-tools-source")
        let found = try #require(finding(report))
        #expect(found.severity == .warning)
        #expect(found.message == "DAHDI 2.11.1.0.20170917 on kernel 6.1.0-28-amd64 exposes dahdi_spantype, but the installed dahdi-tools (not installed by dpkg, version unknown) read only spantype in dahdi_span_types, dahdi_span_assignments, dahdi_waitfor_span_assignments: span types and span listings come back empty")
        #expect(found.evidence.contains { $0.label == "device dynamic:loc:0" && $0.source.hasSuffix("/dynamic:loc:0/dahdi_spantype") })
        #expect(found.evidence.filter { $0.label == "reads spantype only" }.count == 3)
        #expect(found.remediation.contains("18ebbd1") && found.remediation.contains("1:3.1.0-2"))
    }

    @Test func packagedReleaseToolsNameTheirVersion() throws {
        let found = try #require(finding(try report("release-tools-dpkg", spanTypesConf: true)))
        #expect(found.message.contains("the installed dahdi-tools (package dahdi 1:2.11.1-3) read only spantype"))
        #expect(found.evidence.contains { $0.label == "dahdi-tools" && $0.value == "package dahdi 1:2.11.1-3" && $0.source.hasSuffix("/var/lib/dpkg/status") })
        #expect(found.evidence.contains { $0.label == "span-types.conf" && $0.value.hasPrefix("1 line(s)") })
    }

    @Test func matchingPairsAndUncertainToolsStaySilent() throws {
        // Debian's patched tools read both names (its unpatched dahdi_waitfor_span_assignments alone does not decide).
        #expect(finding(try report("debian-patched")) == nil)
        // Release tools on a kernel that exposes `spantype` (kernel < 4.13, or dahdi-linux master since d932d9f).
        #expect(finding(try report("release-tools-source", kernelName: "spantype")) == nil)
        // A script that names neither attribute: not certain, no finding.
        #expect(finding(try report("unrecognised")) == nil)
        // No tools installed: nothing reads the attribute.
        #expect(finding(try report("no-tools")) == nil)
    }

    @Test func explainHasTheFix() throws {
        let definition = try #require(CheckCatalogue.definition(id: Self.id))
        #expect(definition.family == "kernel-modules" && definition.explanation.contains("dahdi_spantype"))
    }
}
