/// Analog FXO lines need their hybrid balanced once with fxotune, and the result applied at every boot.
public struct FxotuneChecks: CheckFamily {
    public static let neverRun = CheckDefinition(
        id: "fxotune-never-run", family: "configuration", severity: .warning,
        title: "FXO ports but fxotune never run",
        explanation: """
            The box has configured FXO ports (PSTN lines) but /etc/fxotune.conf does not exist or is empty: the line \
            hybrids were never balanced for these lines, the first cause of echo on analog trunks. fxotune measures \
            each line (it takes it off-hook and dials, so Asterisk must be stopped) and writes the coefficients; the \
            dahdi service applies them at boot with 'fxotune -s'.
            """,
        remediation: "in a quiet moment: stop Asterisk, run 'fxotune -i 4', check /etc/fxotune.conf, make sure the boot runs 'fxotune -s', start Asterisk",
        faults: ["C24"])

    public static let definitions = [neverRun]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        let fxoPorts = context.inventory.spans.flatMap(\.channels).filter { $0.portType == .fxo && $0.configured }
        guard !fxoPorts.isEmpty else { return [] }
        // Not looked at (an observation without config) is not the same as absent.
        guard let part = context.observation.config.fxotune else { return [] }
        let path = part.path
        let size = part.value?.size
        guard size == nil || size == 0 else { return [] }
        let label = NumberRuns.text(fxoPorts.map(\.number))
        return [Finding(Self.neverRun, subject: "FXO ports \(label)",
                        message: "\(fxoPorts.count) FXO port(s) (channels \(label)) but \(path) " + (size == 0 ? "is empty" : "does not exist"),
                        evidence: [Evidence("FXO ports", label, source: "DAHDI_GET_PARAMS sigcap"),
                                   Evidence("fxotune.conf", size == 0 ? "empty" : "absent", source: path)])]
    }
}
