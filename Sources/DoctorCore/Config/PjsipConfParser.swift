/// Reads pjsip.conf and its includes into the objects res_pjsip would create (res/res_sorcery_config.c with the
/// `criteria=type=<type>` mappings res_pjsip registers):
/// - templates (`[name](!)`) are not objects; `[name](a,b)` copies a's then b's settings first, so the section's
///   own lines come after them and win; a template may itself inherit;
/// - the object's type is the *first* `type=` among those settings;
/// - a duplicate object (same name and type), or a second `global`/`system`, makes Asterisk refuse that whole type.
/// Credentials (see `PjsipSecrets`) are kept as `SecretValue` and never appear in issues.
public enum PjsipConfParser {
    public static func parse(_ text: String, file: String, source: AsteriskConfigSource) -> PjsipConfig {
        build(AsteriskConfigReader.read(text, file: file, source: source, issueText: PjsipSecrets.redactedLine))
    }

    /// Reads `name` (relative names are in `source.configDirectory`) and everything it includes.
    public static func load(_ name: String = "pjsip.conf", source: AsteriskConfigSource) -> PjsipConfig {
        build(AsteriskConfigReader.load(name, source: source, issueText: PjsipSecrets.redactedLine))
    }

    /// The types res_pjsip and its modules read from pjsip.conf.
    static let knownTypes: Set<String> = [
        "endpoint", "aor", "auth", "registration", "transport", "identify", "domain_alias", "acl", "global", "system",
        "outbound-publish", "inbound-publication", "asterisk-publication", "resource_list", "phoneprov",
    ]
    /// Read from pjsip.conf only once: a second object refuses the type.
    static let singleObjectTypes: Set<String> = ["global", "system"]

    static func build(_ asterisk: AsteriskConfig) -> PjsipConfig {
        var config = PjsipConfig()
        config.files = asterisk.files
        config.issues = asterisk.issues
        config.loadsInAsterisk = asterisk.loadsInAsterisk
        var seen: [String: PjsipObject] = [:]
        var firstOfSingleType: [String: PjsipObject] = [:]
        var refused = Set<String>()
        func note(_ category: AsteriskCategory, _ message: String) {
            config.issues.append(ParseIssue(file: category.file, line: category.line, text: "[\(category.name)]",
                                            message: message))
        }
        for category in asterisk.categories {
            guard !category.isTemplate else {
                config.templates.append(PjsipSection(name: category.name, file: category.file, line: category.line))
                continue
            }
            let object = PjsipObject(
                name: category.name, type: objectType(category, note: { note(category, $0) }), file: category.file,
                line: category.line, templates: category.templates,
                properties: category.variables.map { variable in
                    PjsipProperty(key: variable.name, value: PjsipSecrets.value(variable.value, key: variable.name),
                                  file: variable.file, line: variable.line, inheritedFrom: variable.inheritedFrom)
                })
            config.objects.append(object)
            guard let type = object.type else { continue }
            if !knownTypes.contains(type) {
                note(category, type == "contact"
                    ? "type=contact objects live in the astdb (res_pjsip's registrar); Asterisk does not read them "
                        + "from pjsip.conf"
                    : "unknown type '\(type)': no res_pjsip object reads this section")
                continue
            }
            if singleObjectTypes.contains(type), let first = firstOfSingleType[type] {
                refused.insert(type)
                note(category, "Config file 'pjsip.conf' could not be loaded; configuration contains more than one "
                    + "object of type '\(type)' (the other is [\(first.name)] at line \(first.line) of \(first.file))")
            } else if let first = seen["\(type)\u{0}\(object.name)"] {
                refused.insert(type)
                note(category, "Config file 'pjsip.conf' could not be loaded; configuration contains a duplicate "
                    + "object: '\(object.name)' of type '\(type)' (first at line \(first.line) of \(first.file))")
            } else {
                seen["\(type)\u{0}\(object.name)"] = object
                if singleObjectTypes.contains(type) { firstOfSingleType[type] = object }
            }
        }
        config.refusedTypes = refused.sorted()
        return config
    }

    /// Sorcery matches a section on its first `type` (name without regard to case, value exactly). `[global]` and
    /// `[system]` are also recognised by name alone (their `explicit_name` mapping).
    static func objectType(_ category: AsteriskCategory, note: (String) -> Void) -> String? {
        let types = category.variables.filter { $0.name.lowercased() == "type" }
        guard let first = types.first else {
            if category.name == "global" || category.name == "system" { return category.name }
            note("section [\(category.name)] has no type=: no res_pjsip object reads it")
            return nil
        }
        for other in types.dropFirst() where other.value != first.value {
            note("type is given again as '\(other.value)' at line \(other.line) of \(other.file); Asterisk goes by the "
                + "first one, '\(first.value)' (line \(first.line) of \(first.file))")
        }
        return first.value
    }
}

/// Which pjsip settings are credentials, and how to keep them out of output.
public enum PjsipSecrets {
    static let keys: Set<String> = ["password", "secret", "md5_cred", "refresh_token", "oauth_secret", "oauth_clientid"]

    /// `password`, `md5_cred`, `refresh_token`, `oauth_secret`, `oauth_clientid`, and anything else whose name
    /// mentions a password or a secret (a transport's TLS key `password` included).
    public static func isSecret(key: String) -> Bool {
        let key = key.lowercased()
        return keys.contains(key) || key.contains("password") || key.contains("secret")
    }

    static func value(_ value: String, key: String) -> PjsipValue {
        isSecret(key: key) ? .secret(SecretValue(value)) : .text(value)
    }

    /// An issue's copy of a line: a credential line keeps its key and loses its value; a line that cannot be read
    /// as `key = value` but mentions a credential key is withheld entirely.
    static func redactedLine(_ bytes: ArraySlice<UInt8>) -> String {
        let text = ConfigText.string(bytes)
        if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
            var key = ConfigText.string(bytes[..<equals]).trimmingBlanks()
            if key.hasSuffix("+") { key = String(key.dropLast()).trimmingBlanks() }
            if key.hasPrefix("\\") { key = String(key.dropFirst()) }
            if isSecret(key: key) { return "\(key) = \(SecretValue.redacted)" }
        }
        // Anything else that mentions a credential (in a comment, say) is withheld whole.
        let lowered = text.lowercased()
        let mentionsCredential = keys.contains { lowered.contains($0) } || lowered.contains("password")
        return mentionsCredential ? SecretValue.redacted : text
    }
}
