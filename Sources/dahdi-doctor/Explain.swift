import ArgumentParser
import DoctorCore

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",  // explicit: ArgumentParser otherwise derives it by reflection at every start
        abstract: "Explain a finding ID: what it means, why it happens, and how to fix it.",
        discussion: "Without an ID, lists every check in the catalogue.")

    @Argument(help: "A finding ID, e.g. span-red-alarm.")
    var id: String?

    @Flag(help: .hidden)
    var markdown = false

    func run() throws {
        if markdown {
            // The catalogue table in docs/checks.md is generated from here, so it cannot drift from the code.
            print(CheckCatalogue.markdownTable(), terminator: "")
            return
        }
        guard let id else {
            var table: [String] = []
            for definition in CheckCatalogue.definitions {
                table.append(definition.id.padding(to: 34) + definition.severity.rawValue.padding(to: 10) + definition.title)
            }
            print(table.joined(separator: "\n"))
            return
        }
        guard let definition = CheckCatalogue.definition(id: id) else {
            printError("dahdi-doctor: no check with ID '\(id)'; 'dahdi-doctor explain' lists them")
            throw ExitCode(64)
        }
        var lines = ["\(definition.id): \(definition.title)",
                     "severity: \(definition.severity.rawValue)   family: \(definition.family)"
                        + (definition.faults.isEmpty ? "" : "   faults: " + definition.faults.joined(separator: ", ")),
                     "", definition.explanation, "", "Fix: " + definition.remediation]
        lines = lines.map { $0 }
        print(lines.joined(separator: "\n"))
    }
}

extension String {
    func padding(to width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
