/// The installed dahdi-tools scripts that read a DAHDI device's span-type attribute, and the package that installed
/// them. The kernel names that attribute `spantype` (kernels < 4.13, and dahdi-linux master since d932d9f) or
/// `dahdi_spantype` (dahdi-linux 3.0.0-3.4.0 and Debian's 2.11.1 on kernels >= 4.13); dahdi-tools up to 3.4.0 read
/// only `spantype`; Debian's 1:3.1.0-2 patched dahdi_span_types and dahdi_span_assignments to read both, not
/// dahdi_waitfor_span_assignments. See docs/checks.md, "Version skew".
public struct DahdiToolsObservation: Sendable, Hashable, Codable {
    public var scripts: [DahdiToolsScript]
    /// The dpkg package that installed the tools (`dahdi` on Debian/Ubuntu) and its version; nil when dpkg does not
    /// know it (a source install, an RPM system, or no readable status file).
    public var packageName: String?
    public var packageVersion: String?
    public var packageSource: String?

    public init(scripts: [DahdiToolsScript], packageName: String? = nil, packageVersion: String? = nil,
                packageSource: String? = nil) {
        self.scripts = scripts; self.packageName = packageName; self.packageVersion = packageVersion
        self.packageSource = packageSource
    }
}

public struct DahdiToolsScript: Sendable, Hashable, Codable {
    public var path: String
    /// The device attribute names the script reads (`spantype`, `dahdi_spantype`); empty when it names neither.
    public var spanTypeNames: [String]

    public init(path: String, spanTypeNames: [String]) { self.path = path; self.spanTypeNames = spanTypeNames }

    /// The script's file name (`dahdi_span_types`).
    public var name: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// Reads the old name only: the script cannot see the types on a kernel that exposes `dahdi_spantype`.
    public var readsOldNameOnly: Bool { spanTypeNames == [SpanTypeAttribute.oldName] }
}

public enum SpanTypeAttribute {
    public static let oldName = "spantype"
    public static let newName = "dahdi_spantype"
    /// The dahdi-tools scripts that read the attribute, and where packages and `make install` put them.
    public static let scripts = ["dahdi_span_types", "dahdi_span_assignments", "dahdi_waitfor_span_assignments"]
    /// The scripts whose blindness loses the span types and listings (see SpanTypeAttributeChecks).
    public static let decidingScripts: Set<String> = ["dahdi_span_types", "dahdi_span_assignments"]
    public static let directories = ["usr/sbin", "usr/local/sbin", "sbin"]
    /// dpkg package names that ship the scripts.
    public static let packages = ["dahdi", "dahdi-tools"]

    /// Which attribute names a script reads. Any mention of `dahdi_spantype` counts as reading it (a patched
    /// script that falls back either way must never read as "old name only"); `spantype` counts when it appears as
    /// a path component (`$device/spantype`), a quoted word (`sp_file="spantype"`) or a find pattern
    /// (`-name spantype`), so `$spantype` variables and `show_spantypes` functions do not.
    static let oldNameBytes = Array(oldName.utf8)

    public static func namesRead(byScript text: String) -> [String] {
        var names: [String] = []
        var readsOld = false
        for raw in text.split(whereSeparator: { $0 == "\n" }) {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") { continue }
            // Most lines do not mention the attribute: a byte search rules them out before the Character search.
            guard line.utf8.containsBytes(oldNameBytes) else { continue }
            var rest = line[...]
            while let range = rest.firstRange(of: oldName) {
                let before = line[line.startIndex..<range.lowerBound]
                let after = line[range.upperBound...]
                defer { rest = line[range.upperBound...] }
                if let next = after.first, next.isLetter || next.isNumber || next == "_" { continue }
                guard let previous = before.last else { continue }
                if previous == "/" || before.hasSuffix("-name ") {
                    readsOld = true
                } else if previous == "\"" || previous == "'", after.first == previous {
                    readsOld = true
                }
            }
        }
        if text.contains(newName) { names.append(newName) }
        if readsOld { names.insert(oldName, at: 0) }
        return names
    }
}

/// dpkg's status file: the installed version of a package. Pure; stanzas are separated by blank lines.
public enum DpkgStatus {
    /// The first of `packages` that dpkg lists as installed ("install ok installed"), with its version.
    public static func installed(_ packages: [String], in text: String) -> (name: String, version: String)? {
        var found: [String: String] = [:]
        for stanza in text.split(separator: "\n\n", omittingEmptySubsequences: true) {
            var name: String?, version: String?, installed = false
            for line in stanza.split(separator: "\n") {
                if line.hasPrefix("Package: ") { name = String(line.dropFirst(9)).trimmingSpaces }
                else if line.hasPrefix("Version: ") { version = String(line.dropFirst(9)).trimmingSpaces }
                else if line.hasPrefix("Status: ") { installed = line.hasSuffix(" installed") && !line.contains("not-installed") }
            }
            if let name, let version, installed, packages.contains(name) { found[name] = version }
        }
        for name in packages { if let version = found[name] { return (name, version) } }
        return nil
    }
}

private extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\r" || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
