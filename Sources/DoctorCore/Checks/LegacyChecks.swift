/// chan_sip's leftovers: sip.conf peers on an Asterisk that no longer runs chan_sip.
public struct LegacyChecks: CheckFamily {
    public static let sipPeersIgnored = CheckDefinition(
        id: "chan-sip-peers-ignored", family: "legacy", severity: .warning,
        title: "sip.conf peers but chan_sip is not loaded",
        explanation: """
            sip.conf defines peers (gateways, trunks, phones), but Asterisk does not run chan_sip: ModuleCheck \
            answers "Module not loaded", or the version is 21 or later, where chan_sip was removed (deprecated in \
            17, gone in 21). Asterisk reads nothing from sip.conf, logs nothing about it, and those peers silently \
            do nothing: a gateway configured there never registers and calls to it fail. Typical after an upgrade \
            or a FreePBX migration that moved the trunks to PJSIP but left sip.conf behind.
            """,
        remediation: "move each peer to pjsip.conf (Asterisk ships contrib/scripts/sip_to_pjsip/sip_to_pjsip.py), 'pjsip reload', then remove sip.conf so it cannot mislead again")

    public static let duplicateEndpoint = CheckDefinition(
        id: "endpoint-in-sip-and-pjsip", family: "legacy", severity: .warning,
        title: "an endpoint is defined in both sip.conf and pjsip.conf",
        explanation: """
            The same name is a sip.conf peer and a pjsip.conf endpoint. With both channel drivers loaded they fight \
            over the same device (two registrations, two transports, usually on the same port); with chan_sip gone \
            the sip.conf copy is dead text that misleads whoever edits it.
            """,
        remediation: "keep the PJSIP endpoint and delete the sip.conf peer of the same name")

    public static let definitions = [sipPeersIgnored, duplicateEndpoint]

    static let ignoredKey = "chan-sip-ignored"

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let sipPart = context.observation.asteriskSetup?.sip, let sip = sipPart.value, !sip.peers.isEmpty else { return [] }
        var findings: [Finding] = []
        var ignored = false
        if let asterisk = context.observation.asterisk, asterisk.sessionFailure == nil {
            let source = "\(asterisk.sourceLabel)"
            let version = asterisk.asteriskVersion.flatMap(AsteriskVersion.init)
            let moduleLoaded = asterisk.moduleLoaded("chan_sip.so")
            var evidence: [Evidence] = []
            if moduleLoaded == false { evidence.append(Evidence("chan_sip.so", "not loaded", source: "\(source) ModuleCheck")) }
            if let version, version.major >= 21 {
                evidence.append(Evidence("Asterisk", "\(version) (chan_sip removed in 21)", source: "\(source) CoreSettings"))
            }
            if moduleLoaded != true && !evidence.isEmpty {
                ignored = true
                let names = sip.peers.map(\.name)
                evidence += sip.peers.prefix(20).map { Evidence("sip.conf \($0.type)", $0.name + ($0.host.map { " (host \($0))" } ?? ""), source: "\($0.file):\($0.line)") }
                findings.append(Finding(Self.sipPeersIgnored, subject: "sip.conf",
                                        message: "\(names.count) sip.conf peer(s) do nothing: chan_sip is not loaded (" + names.prefix(10).joined(separator: ", ")
                                            + (names.count > 10 ? ", ..." : "") + ")",
                                        evidence: evidence, key: Self.ignoredKey))
            }
        }
        let pjsip = Dictionary((context.observation.config.pjsip?.value?.endpoints ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for peer in sip.peers {
            guard let endpoint = pjsip[peer.name] else { continue }
            findings.append(Finding(Self.duplicateEndpoint, subject: "endpoint \(peer.name)",
                                    message: "\(peer.name) is both a sip.conf \(peer.type) and a pjsip.conf endpoint",
                                    evidence: [Evidence("sip.conf", "[\(peer.name)] type=\(peer.type)", source: "\(peer.file):\(peer.line)"),
                                               Evidence("pjsip.conf", "endpoint \(endpoint.name)", source: "\(endpoint.file):\(endpoint.line)")],
                                    key: "sip-pjsip-duplicate:\(peer.name)", causeKey: ignored ? Self.ignoredKey : nil))
        }
        return findings
    }
}
