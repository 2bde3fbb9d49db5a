import Testing
@testable import DoctorCore

/// Observations saved by `check --save-observation` in the lab (Debian's real DAHDI driver under QEMU), replayed
/// through the checks. The golden reports pin the diagnosis of each real state; the lab itself asserts the same
/// IDs against dahdi_scan and lsdahdi (Tests/Lab/check_lab.py).
@Suite struct LabObservationTests {
    static let scenarios: [(String, Report.Status, [String])] = [
        ("healthy", .ok, []),
        ("no-driver", .ok, ["dahdi-not-in-use"]),
        ("driver-not-loaded", .critical, ["driver-not-loaded"]),
        ("unassigned", .critical, ["spans-not-assigned"]),
        ("red-yellow", .critical, ["span-red-alarm", "span-yellow-alarm"]),
        ("unconfigured", .warning, ["span-unconfigured"]),
        // Recorded with no Asterisk running: nothing held the channels chan_dahdi.conf lists (issue 14).
        ("inverted-signalling", .critical, ["channel-config-drift", "dahdi-channels-not-held"]),
        ("chan-dahdi-mismatch", .critical, ["chan-dahdi-signalling-mismatch"]),
        ("missing-channels", .critical, ["channel-missing-in-kernel"]),
        ("demo", .critical, ["span-red-alarm", "span-yellow-alarm", "channel-missing-in-kernel",
                             "chan-dahdi-signalling-mismatch", "module-not-loaded", "echo-canceller-not-attached"]),
    ]

    @Test(arguments: scenarios.map(\.0))
    func replaysToTheGoldenReport(name: String) throws {
        let observation = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-\(name).json"))
        let report = Diagnosis.run(observation, generator: "dahdi-doctor test")
        let expected = try #require(Self.scenarios.first { $0.0 == name })
        #expect(report.status == expected.1)
        #expect(Set(report.findings.map(\.id)) == Set(expected.2))
        try Fixtures.assertGolden(ReportText(colour: false).render(report), "observations/lab-\(name).report.txt")
    }
}
