import ArgumentParser

/// `dahdi-doctor scan`, `check` and `metrics` (run by hand, by Nagios and by the metrics timer) are parsed by their
/// own command type, not through the root: parsing from the root makes swift-argument-parser reflect every command
/// of the tree and the default subcommand's (`check`'s) four option groups before it looks at the first argument,
/// which under QEMU TCG was about half of what `dahdi-doctor --version` cost and a third of a 48-channel `scan`
/// (docs/benchmarks.md). The options, their parsing and validation are the same ArgumentParser definitions.
///
/// Bare `dahdi-doctor` (no argument) is parsed as `check` the same way: the root would run its default subcommand.
///
/// Anything that does not parse this way (`--help`, a usage error, a validation failure, completion requests,
/// options before the command) goes through the root as before, so every message, usage text and exit code is
/// the root's. Errors thrown while running are reported by the root, as `main()` from the root does.
extension DahdiDoctor {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // Bare `dahdi-doctor` is `check` (the default subcommand) with no options.
        let name = arguments.first ?? Check.configuration.commandName!
        if var command = parsedDirectly(name, Array(arguments.dropFirst())) {
            do {
                try command.run()
            } catch {
                exit(withError: error)
            }
            return
        }
        main(nil)
    }

    /// The subcommand `name` parsed from `rest` as its own root, or nil to go through the root.
    static func parsedDirectly(_ name: String, _ rest: [String]) -> (any ParsableCommand)? {
        switch name {
        case Scan.configuration.commandName: return try? Scan.parseAsRoot(rest)
        case Check.configuration.commandName: return try? Check.parseAsRoot(rest)
        case Metrics.configuration.commandName: return try? Metrics.parseAsRoot(rest)
        default: return nil
        }
    }
}

extension CommandConfiguration {
    /// For the commands `DahdiDoctor.main()` parses directly: named as a command of `dahdi-doctor`, which (as the
    /// root of a direct parse) skips ArgumentParser's completion-script check, another two commands reflected at
    /// every start (a fifth of a 48-channel `scan` under TCG). Help and usage print the same name either way: the
    /// name is only used when the command is the root; completion requests go through the root like any other
    /// argument the command does not know.
    func parsedDirectlyByDahdiDoctor() -> CommandConfiguration {
        var configuration = self
        configuration._superCommandName = "dahdi-doctor"
        return configuration
    }
}
