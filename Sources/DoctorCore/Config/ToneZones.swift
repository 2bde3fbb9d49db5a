/// The tone zones libtonezone knows (`country` names in dahdi-tools `zonedata.c`), which dahdi_cfg checks
/// `defaultzone` against with a case-insensitive match. `loadzone` is only checked when the zone is registered.
enum ToneZones {
    static let known: Set<String> = [
        "us", "au", "fr", "nl", "uk", "fi", "es", "jp", "no", "it", "us-old", "gr", "tw", "cl", "se", "be", "sg", "il",
        "br", "hu", "lt", "pl", "za", "pt", "ee", "mx", "in", "de", "ch", "dk", "cz", "cn", "ar", "my", "th", "bg", "ve",
        "ph", "ru", "tr", "pa", "mo", "cr", "ae",
    ]

    static func isKnown(_ name: String) -> Bool { known.contains(name.lowercased()) }
}
