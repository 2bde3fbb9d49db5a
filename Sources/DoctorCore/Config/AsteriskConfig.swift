/// An Asterisk configuration file with its includes, read the way Asterisk's config loader reads it
/// (main/config.c): categories in order, templates and inheritance already applied, every variable with the
/// file and line it was written on. Internal: the public results are the chan_dahdi and pjsip views built on it,
/// so that no raw secret can leave the module through this type.
struct AsteriskConfig: Sendable, Hashable {
    var categories: [AsteriskCategory] = []
    /// Every file read, top-level first, in the order Asterisk reads them.
    var files: [String] = []
    var issues: [ParseIssue] = []
    /// False when Asterisk would refuse the top-level file as a whole (it then loads nothing from it).
    var loadsInAsterisk = true
}

struct AsteriskCategory: Sendable, Hashable {
    var name: String
    var file: String
    var line: Int
    /// Written `[name](!)`: a template, which users of the config skip.
    var isTemplate = false
    /// The categories named in `[name](a,b)`, in order.
    var templates: [String] = []
    /// Inherited variables come first (in template order), then the category's own, as Asterisk stores them;
    /// consumers apply them in order, so a later one overrides an earlier one of the same name.
    var variables: [AsteriskVariable] = []

    /// The last value of a variable, compared case-insensitively (Asterisk's `ast_variable_retrieve`).
    func lastValue(_ name: String) -> String? {
        variables.last { $0.name.lowercased() == name }?.value
    }
}

struct AsteriskVariable: Sendable, Hashable {
    var name: String
    var value: String
    var file: String
    var line: Int
    /// Written `name => value`. Asterisk treats it like `=`, but keeps the mark.
    var isObject = false
    /// The category the line was written in, when it came in through a template.
    var inheritedFrom: String?
}
