/// The words each vendor's status pages use, mapped to what dahdi-doctor reasons about. A word not in these maps
/// stays `.unknown` with its raw text, and the checks raise `gateway-port-state-unknown` quoting it: a page is never
/// read as healthy on a word nobody mapped. Words are compared without case and surrounding space.
enum GatewayWords {
    static func key(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = Whitespace.collapse(text).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// The Linksys/Sipura/Cisco SPA words (gateways.md §3, the captures' README). Hook: `On`/`Off` ("Either On or
/// Off"). Registration: `Registered` (SPA112 1.4.1, SPA-962), `Online` (PAP2T 5.1.5(LS)); the failures seen in the
/// field on the same web engine: `Not Registered` (verbatim in the SPA-962 capture), `Offline`, `Failed`,
/// `Can't connect to login server`. The SPA112/122 firmware shares these words.
enum SipuraVocabulary {
    static let registered: Set<String> = ["registered", "online"]
    static let notRegistered: Set<String> = ["not registered", "offline", "failed", "can't connect to login server",
                                             "can\u{2019}t connect to login server"]

    static func hook(_ text: String?) -> GatewayPortStatus.Hook {
        switch GatewayWords.key(text) {
        case "on": return .onHook
        case "off": return .offHook
        default: return .unknown
        }
    }

    static func registration(_ text: String?) -> GatewayPortStatus.Registration {
        guard let key = GatewayWords.key(text) else { return .unknown }
        if registered.contains(key) { return .registered }
        if notRegistered.contains(key) { return .notRegistered }
        return .unknown
    }
}

/// The Grandstream English vocabulary (HT80x `etc/language_strings` and `gs_ata` strings: `On Hook`, `Off Hook`,
/// `In Use`, `Ringing`, `Registered`, `Not Registered`). `In Use` is a port off hook in a call; `Ringing` rings.
/// On an FXO port `Not Connected` means no PSTN line (the SNMP templates' word for a port without its cable).
/// Other UI languages (P342) translate these words; they are not mapped (Spanish "Conectado" means On Hook, which
/// is easy to misread), so they stay `.unknown` and are reported quoted.
enum GrandstreamVocabulary {
    static func hook(_ text: String?) -> GatewayPortStatus.Hook {
        switch GatewayWords.key(text) {
        case "on hook": return .onHook
        case "off hook", "in use": return .offHook
        case "ringing": return .ringing
        default: return .unknown
        }
    }

    static func registration(_ text: String?) -> GatewayPortStatus.Registration {
        switch GatewayWords.key(text) {
        case "registered": return .registered
        case "not registered": return .notRegistered
        default: return .unknown
        }
    }

    /// An FXO line word: false for `Not Connected` (no PSTN cable), nil for anything else.
    static func lineConnected(_ text: String?) -> Bool? {
        switch GatewayWords.key(text).map({ $0.hasSuffix(".") ? String($0.dropLast()) : $0 }) {
        case "not connected": return false
        default: return nil
        }
    }

    /// A port as the HT80x Port Status row or API values give it. On an FXO port the hook cell carries the line
    /// word when there is no PSTN line, so a line word moves to `lineText` instead of reading as a hook state.
    static func port(_ number: Int, kind: GatewayPortStatus.Kind, hookText: String?, registrationText: String?,
                     sipUser: String?) -> GatewayPortStatus {
        var port = GatewayPortStatus(port: number, kind: kind, registration: registration(registrationText),
                                     registrationText: registrationText, hook: hook(hookText), hookText: hookText,
                                     sipUser: sipUser)
        if port.hook == .unknown, kind != .fxs, let connected = lineConnected(hookText) {
            port.lineConnected = connected
            port.lineText = hookText
            port.hookText = nil
        }
        return port
    }
}
