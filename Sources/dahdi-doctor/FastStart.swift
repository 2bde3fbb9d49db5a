import ArgumentParser

/// The commonest forms of `dahdi-doctor scan` skip ArgumentParser altogether (`ScanRequest(exactly:)`).
///
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
        if arguments == ["--version"] {   // what the root prints for it, without building the command tree
            print(DahdiDoctor.version)
            return
        }
        if arguments.first == Scan.configuration.commandName, let request = ScanRequest(exactly: Array(arguments.dropFirst())) {
            do {
                try Scan.run(request)
            } catch {
                exit(withError: error)
            }
            return
        }
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

/// What `scan` is asked for: the values of its options, whichever way they were parsed.
struct ScanRequest: Equatable {
    var sysfsRoot = "/sys"
    var procfsRoot = "/proc"
    var devfsRoot = "/dev"
    var fsRoot = "/"
    var json = false
    var benchReads: Int?
}

extension ScanRequest {
    /// The common forms of `scan`'s arguments read without ArgumentParser: under QEMU TCG even parsing `scan` as its
    /// own root (reflecting its option group, building its property wrappers' metadata) was about a quarter of a
    /// 48-channel scan (docs/benchmarks.md, "process start"). Recognised exactly, each at most once and in any
    /// order: `--json`, and `--sysfs-root`, `--procfs-root`, `--devfs-root`, `--fs-root` each followed by a separate
    /// value that is not empty and does not start with `-`. Anything else (`--opt=value`, `--bench-reads`, help,
    /// `--`, a repeat, an unknown word) is nil: ArgumentParser parses it, with its own messages and exit codes.
    /// ProcessStartTests checks, on generated argument lists over every option ArgumentParser declares for `scan`,
    /// that whatever this accepts ArgumentParser parses to the same values.
    init?(exactly arguments: [String]) {
        var seen: Set<String> = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            guard seen.insert(word).inserted else { return nil }
            if word == "--json" {
                json = true
                index += 1
                continue
            }
            guard index + 1 < arguments.count else { return nil }
            let value = arguments[index + 1]
            guard let first = value.utf8.first, first != UInt8(ascii: "-") else { return nil }
            switch word {
            case "--sysfs-root": sysfsRoot = value
            case "--procfs-root": procfsRoot = value
            case "--devfs-root": devfsRoot = value
            case "--fs-root": fsRoot = value
            default: return nil
            }
            index += 2
        }
    }
}
