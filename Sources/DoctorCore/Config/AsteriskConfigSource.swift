/// Where an Asterisk configuration and its `#include`s come from. DoctorCore makes no system calls, so reading a
/// file (and, optionally, expanding a glob) is injected; the Linux module or a test supplies them.
///
/// Asterisk resolves a relative `#include` against its configuration directory (`astetcdir`, normally
/// /etc/asterisk), never against the directory of the including file (main/config.c, `config_text_file_load`).
public struct AsteriskConfigSource: Sendable {
    public var configDirectory: String
    /// Reads a whole file by absolute path.
    public var read: @Sendable (String) -> Result<String, SystemError>
    /// Expands a glob the way glob(3) does, returning matching paths. Asterisk passes every included name through
    /// glob(3) with GLOB_NOMAGIC|GLOB_BRACE, so `#include "dahdi-*.conf"` loads every match in sorted order.
    /// Without an expander a name with wildcards is reported and skipped.
    public var expandGlob: (@Sendable (String) -> [String])?

    public init(configDirectory: String = "/etc/asterisk",
                read: @escaping @Sendable (String) -> Result<String, SystemError>,
                expandGlob: (@Sendable (String) -> [String])? = nil) {
        self.configDirectory = configDirectory
        self.read = read
        self.expandGlob = expandGlob
    }

    /// The absolute path Asterisk opens for a name given to it (a top-level file or an `#include` argument).
    public func path(for name: String) -> String {
        if name.hasPrefix("/") { return name }
        return configDirectory.hasSuffix("/") ? configDirectory + name : configDirectory + "/" + name
    }

    static func hasWildcards(_ path: String) -> Bool {
        path.contains { $0 == "*" || $0 == "?" || $0 == "[" || $0 == "{" }
    }
}
