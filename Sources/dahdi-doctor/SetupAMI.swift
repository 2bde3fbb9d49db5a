import ArgumentParser
import DoctorCore
import DoctorKernel
import DoctorNetwork
import DoctorSystem

/// `dahdi-doctor setup ...`: one-time changes to the box that dahdi-doctor needs. Today only `setup ami`.
struct Setup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",  // explicit: ArgumentParser otherwise derives it by reflection at every start
        abstract: "Set up what dahdi-doctor needs on this box (the AMI monitoring user).",
        subcommands: [SetupAMI.self])
}

/// The exit codes of `setup ami` (docs/asterisk.md), sysexits(3) values.
enum SetupExit {
    static let refused: Int32 = 78      // EX_CONFIG: nothing changed; the reason and the fix are on stderr
    static let writeFailed: Int32 = 74  // EX_IOERR: a file could not be written (the changes before it were made)
    static let notLive: Int32 = 69      // EX_UNAVAILABLE: files written, but the reload or the test login failed
    static let noPermission: Int32 = 77 // EX_NOPERM: EACCES/EPERM writing Asterisk's files or /etc/dahdi-doctor: not root
}

struct SetupAMI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ami",
        abstract: "Create dahdi-doctor's least-privilege AMI user, its credentials file, reload and test the login.",
        discussion: """
            Adds an AMI user (default dahdi-doctor) with read = system,reporting, write = system,reporting, \
            deny = 0.0.0.0/0.0.0.0, permit = 127.0.0.1/255.255.255.255 and a random 32-byte secret (hex). On FreePBX \
            (manager.conf includes manager_custom.conf) it goes in manager_custom.conf, which FreePBX keeps when it \
            regenerates manager.conf; otherwise in manager_dahdi_doctor.conf, which one '#include' line added to \
            manager.conf names. The secret is also written, mode 0600, to the credentials file dahdi-doctor reads \
            (/etc/dahdi-doctor/ami.conf). Then 'asterisk -rx "manager reload"' and an AMI login as the new user.

            Every line added is printed, except the secret. Running it again changes nothing. --undo removes exactly \
            what it added, restoring each file byte for byte. It refuses, changing nothing, a manager.conf Asterisk \
            cannot parse or one where AMI is disabled (enabled = no), and says how to fix it.

            Exit codes: 0 done (or already set up), 78 refused (nothing changed), 74 a file could not be written, \
            69 the files are in place but the reload or the test login failed, 77 no permission to write (run it as root).
            """)

    @Option(name: .customLong("etc-root"), help: "Directory holding asterisk/manager.conf (and dahdi-doctor/ami.conf by default).")
    var etcRoot = "/etc"

    @Option(help: "dahdi-doctor's settings: [ami] host, port and credentials; a missing file means the defaults.")
    var config = "/etc/dahdi-doctor/dahdi-doctor.toml"

    @Option(help: "The credentials file to write (default: the settings' [ami] credentials, /etc/dahdi-doctor/ami.conf under --etc-root).")
    var credentials: String?

    @Option(help: "The AMI user name (a manager.conf section).")
    var user = AMISetup.defaultUser

    @Flag(name: .customLong("dry-run"), help: "Print what would change, change nothing.")
    var dryRun = false

    @Flag(help: "Remove what an earlier setup ami added, restoring the files byte for byte.")
    var undo = false

    @Flag(name: .customLong("no-reload"), help: "Do not run 'asterisk -rx \"manager reload\"' (an offline tree, or reload later).")
    var noReload = false

    @Flag(name: .customLong("no-verify"), help: "Do not log in as the new user to test it.")
    var noVerify = false

    @Option(name: .customLong("asterisk-binary"), help: "Asterisk's binary for the reload (default: /usr/sbin/asterisk, /usr/local/sbin/asterisk, /usr/bin/asterisk).")
    var asteriskBinary: String?

    @Option(name: .customLong("ami-host"), help: "Where to test the login (default from settings, else 127.0.0.1).")
    var host: String?

    @Option(name: .customLong("ami-port"), help: "AMI port for the test login (default from settings, else 5038).")
    var port: Int?

    func run() throws {
        let settings = try loadSettings().ami
        let credentialsPath = credentials ?? settings.credentialsFile(etcRoot: etcRoot)
        let files = AMISetupFiles(etcRoot: etcRoot, credentialsPath: credentialsPath)
        let inputs = files.inputs(user: user)

        if undo { return try runUndo(files, inputs) }

        let secret: String
        do { secret = try AMISetupFiles.newSecret() } catch {
            printError("dahdi-doctor: setup ami: no random bytes for the secret: \(error)")
            throw ExitCode(SetupExit.writeFailed)
        }
        let plan: AMISetupPlan
        switch AMISetupPlanner.plan(inputs, secret: secret) {
        case .success(let value): plan = value
        case .failure(let refusal):
            printError("dahdi-doctor: setup ami: refused, nothing changed: \(refusal)")
            throw ExitCode(SetupExit.refused)
        }
        print("setup ami: \(plan.layout)")
        if let done = plan.alreadyDone {
            print("already set up, nothing changed: \(done)")
        } else {
            for change in plan.changes {
                print("  \(change.headline(dryRun: dryRun))\(change.mode.map { ", mode 0\(String($0, radix: 8))" } ?? ""):")
                for line in change.shownLines { print("    + \(line)") }
            }
            if dryRun {
                print("dry run: nothing changed")
                return
            }
            do { try files.apply(plan.changes) } catch { throw writeFailure(error, "setup ami") }
        }
        if dryRun { return }
        try reloadAndVerify(files, settings: settings, credentialsPath: credentialsPath, changed: plan.alreadyDone == nil)
    }

    func runUndo(_ files: AMISetupFiles, _ inputs: AMISetupInputs) throws {
        let changes: [AMISetupChange]
        switch AMISetupPlanner.undo(inputs) {
        case .success(let value): changes = value
        case .failure(let refusal):
            printError("dahdi-doctor: setup ami --undo: refused, nothing changed: \(refusal)")
            throw ExitCode(SetupExit.refused)
        }
        guard !changes.isEmpty else {
            print("setup ami --undo: nothing to undo (no marker of setup ami in manager.conf, \(AMISetup.freePBXFile), \(AMISetup.ownFile) or \(inputs.credentialsPath))")
            return
        }
        print("setup ami --undo:")
        for change in changes {
            print("  \(change.headline(dryRun: dryRun)):")
            for line in change.shownLines { print("    - \(line)") }
        }
        if dryRun {
            print("dry run: nothing changed")
            return
        }
        do { try files.apply(changes) } catch { throw writeFailure(error, "setup ami --undo") }
        if noReload {
            print("manager reload: skipped (--no-reload); Asterisk keeps the user until 'asterisk -rx \"manager reload\"'")
        } else if let binary = AMISetupFiles.asteriskBinary(asteriskBinary) {
            switch files.managerReload(binary: binary) {
            case .success: print("manager reload: done")
            case .failure(let refusal):
                printError("dahdi-doctor: setup ami --undo: the files are restored, but \(refusal)")
                throw ExitCode(SetupExit.notLive)
            }
        } else {
            print("manager reload: Asterisk's binary not found; run 'manager reload' on the Asterisk console")
        }
    }

    func reloadAndVerify(_ files: AMISetupFiles, settings: AMISettings, credentialsPath: String, changed: Bool) throws {
        var reloaded = !changed
        if changed {
            if noReload {
                print("manager reload: skipped (--no-reload); Asterisk knows the user after 'asterisk -rx \"manager reload\"'")
            } else if let binary = AMISetupFiles.asteriskBinary(asteriskBinary) {
                switch files.managerReload(binary: binary) {
                case .success:
                    print("manager reload: done (\(binary) -rx \"manager reload\")")
                    reloaded = true
                case .failure(let refusal):
                    printError("dahdi-doctor: setup ami: the files are written, but \(refusal)")
                    throw ExitCode(SetupExit.notLive)
                }
            } else {
                printError("dahdi-doctor: setup ami: the files are written, but Asterisk's binary was not found "
                           + "(\(asteriskBinary ?? "/usr/sbin/asterisk, /usr/local/sbin/asterisk, /usr/bin/asterisk")): "
                           + "run 'manager reload' on the Asterisk console, then 'dahdi-doctor check'")
                throw ExitCode(SetupExit.notLive)
            }
        }
        guard !noVerify else {
            print("login test: skipped (--no-verify)")
            return
        }
        let endpoint = AMIEndpoint(host: host ?? settings.host, port: port ?? settings.port,
                                   tls: settings.tls ? AMITLSOptions(caFile: settings.caFile) : nil)
        let credentials: AMICredentials
        do { credentials = try AMICredentialLoader.load(file: credentialsPath) } catch {
            printError("dahdi-doctor: setup ami: \(error)")
            throw ExitCode(SetupExit.notLive)
        }
        do {
            let client = try AMIClient.connect(to: endpoint, credentials: credentials, timeouts: AMITimeouts(connect: .seconds(3), request: .seconds(5)))
            client.logoff()
            print("login test: \(credentials.username) logged in to AMI at \(endpoint.target)")
        } catch {
            let hint = reloaded ? "" : " (Asterisk has not reloaded manager.conf yet: run 'asterisk -rx \"manager reload\"')"
            printError("dahdi-doctor: setup ami: the files are written, but the login test failed: \(error.message)\(hint)")
            throw ExitCode(SetupExit.notLive)
        }
    }
}

extension SetupAMI {
    /// A file that could not be written: 77 for EACCES/EPERM (not root), 74 otherwise. Files written before it stay.
    func writeFailure(_ error: FileWriteError, _ command: String) -> ExitCode {
        let denied = error.error.name == "EACCES" || error.error.name == "EPERM"
        printError("dahdi-doctor: \(command): \(error)" + (denied ? " (run it as root: sudo dahdi-doctor setup ami)" : ""))
        return ExitCode(denied ? SetupExit.noPermission : SetupExit.writeFailed)
    }

    /// The settings file (as `check` reads it), or exit 3 naming the file, line and key.
    func loadSettings() throws -> DoctorSettings { try loadDoctorSettings(config) }
}
