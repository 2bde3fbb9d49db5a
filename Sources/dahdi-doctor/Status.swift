import ArgumentParser
import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem

/// The agent's latest report, read over its socket (no root needed) and shown as `check` shows it, with the same
/// exit codes, so it can replace `check` as a Nagios plugin on a box that runs the agent.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",  // explicit: ArgumentParser otherwise derives it by reflection at every start
        abstract: "Show the running agent's latest report, as check does (same formats, same exit codes 0-3).",
        discussion: "Exits 3 with one line when the agent is not running or refuses this user.")

    @Option(help: "The agent's Unix socket.")
    var socket = Agent.defaultSocket

    @Option(help: "Output format: text, json (the report, schema_version 1) or nagios.")
    var format: Check.Format = .text

    @Flag(help: "Same as --format json.")
    var json = false

    @Flag(help: "Never colour the text output.")
    var noColor = false

    func run() throws {
        let answer: (status: Int, body: String)
        do { answer = try AgentClient.get("/v1/report", socket: socket) } catch {
            printError("dahdi-doctor: \(error)")
            throw ExitCode(3)
        }
        guard answer.status == 200 else {
            printError("dahdi-doctor: the agent answered \(answer.status): \(answer.body.trimmingTrailingNewlines())")
            throw ExitCode(3)
        }
        let report: Report
        do { report = try JSONOutput.decode(Report.self, from: answer.body) } catch {
            printError("dahdi-doctor: the agent's report is not readable: \(error)")
            throw ExitCode(3)
        }
        switch json ? .json : format {
        case .text: print(ReportText(colour: !noColor && Terminal.wantsColour()).render(report), terminator: "")
        case .json: print(try JSONOutput.encode(report))
        case .nagios: print(NagiosOutput.render(report), terminator: "")
        }
        if report.status != .ok { throw ExitCode(report.status.exitCode) }
    }
}

private extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
