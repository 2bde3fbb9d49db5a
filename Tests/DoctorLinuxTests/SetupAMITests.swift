import Foundation
import Testing
@testable import DoctorCore

/// `dahdi-doctor setup ami` on copies of a plain and a FreePBX-style /etc (Fixtures/setup-ami): it adds the user
/// where the box expects it, a second run changes nothing, --undo restores every file byte for byte, it refuses a
/// manager.conf it cannot parse or that disables AMI, and the secret appears in no output. End to end: after setup,
/// a plain `check` logs in to the AMI replay server with the credentials setup wrote.
@Suite(.serialized) struct SetupAMITests {
    static let layouts = ["plain", "freepbx"]

    /// A copy of a fixture tree in a scratch directory; returns its etc/.
    func copy(_ layout: String) throws -> (scratch: String, etc: String) {
        let scratch = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.directory + "/setup-ami/" + layout, toPath: scratch + "/" + layout)
        return (scratch, scratch + "/" + layout + "/etc")
    }

    func setup(_ etc: String, _ extra: [String] = []) throws -> Binary.Result {
        try Binary.run(["setup", "ami", "--etc-root", etc, "--config", etc + "/none.toml"] + extra)
    }

    /// Every regular file under `root`, relative path -> bytes.
    func snapshot(_ root: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory)
            files[relative + (isDirectory.boolValue ? "/" : "")] = isDirectory.boolValue ? Data() : try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))
        }
        return files
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    func secret(in credentials: String) throws -> String {
        let text = try String(contentsOfFile: credentials, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("secret = ") })
        return String(line.dropFirst("secret = ".count))
    }

    @Test(arguments: layouts) func setupTwiceThenUndoRestoresByteForByte(_ layout: String) throws {
        let (scratch, etc) = try copy(layout)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let original = try snapshot(etc)

        let first = try setup(etc, ["--no-reload", "--no-verify"])
        #expect(first.status == 0, "\(first.stderr)")
        let credentials = etc + "/dahdi-doctor/ami.conf"
        let secret = try secret(in: credentials)
        #expect(secret.count == 64 && secret.allSatisfy(\.isHexDigit))
        #expect(try mode(credentials) == 0o600)
        #expect(try mode(etc + "/dahdi-doctor") == 0o755)
        let userFile = etc + "/asterisk/" + (layout == "freepbx" ? "manager_custom.conf" : "manager_dahdi_doctor.conf")
        let block = try String(contentsOfFile: userFile, encoding: .utf8)
        for line in ["[dahdi-doctor]", "secret = \(secret)", "deny = 0.0.0.0/0.0.0.0", "permit = 127.0.0.1/255.255.255.255",
                     "read = system,reporting", "write = system,reporting"] {
            #expect(block.contains("\n" + line + "\n"), "\(line) missing")
        }
        // The new include file is as private as manager.conf; an edited file keeps its mode.
        #expect(try mode(userFile) == (try mode(etc + "/asterisk/manager.conf")))
        let manager = try String(contentsOfFile: etc + "/asterisk/manager.conf", encoding: .utf8)
        if layout == "freepbx" {
            // FreePBX regenerates manager.conf: it is left alone.
            #expect(original["asterisk/manager.conf"] == Data(manager.utf8))
            #expect(first.stdout.contains("FreePBX"))
        } else {
            #expect(manager.hasSuffix("\n#include manager_dahdi_doctor.conf ; dahdi-doctor setup ami\n"))
            #expect(first.stdout.contains("+ #include manager_dahdi_doctor.conf"))
        }
        #expect(first.stdout.contains("+ [dahdi-doctor]") && first.stdout.contains("+ read = system,reporting"))

        let afterFirst = try snapshot(etc)
        let second = try setup(etc, ["--no-reload", "--no-verify"])
        #expect(second.status == 0)
        #expect(second.stdout.contains("already set up, nothing changed"))
        #expect(try snapshot(etc) == afterFirst, "a second run changed a file")

        let dryUndo = try setup(etc, ["--undo", "--dry-run"])
        #expect(dryUndo.status == 0 && dryUndo.stdout.contains("dry run: nothing changed"))
        #expect(try snapshot(etc) == afterFirst)

        let undo = try setup(etc, ["--undo", "--no-reload"])
        #expect(undo.status == 0, "\(undo.stderr)")
        #expect(try snapshot(etc) == original, "undo did not restore the tree byte for byte")
        // cmp, as the issue asks, on every file of the original tree.
        for relative in original.keys where !relative.hasSuffix("/") {
            let cmp = try Binary.runTool("/usr/bin/cmp", [Fixtures.directory + "/setup-ami/\(layout)/etc/" + relative, etc + "/" + relative], stdin: "")
            #expect(cmp.status == 0, "\(relative): \(cmp.stdout)")
        }
        let again = try setup(etc, ["--undo", "--no-reload"])
        #expect(again.status == 0 && again.stdout.contains("nothing to undo"))

        for output in [first.stdout, first.stderr, second.stdout, second.stderr, dryUndo.stdout, undo.stdout, undo.stderr] {
            #expect(!output.contains(secret), "the secret leaked")
        }
    }

    /// A FreePBX box whose manager_custom.conf is missing (manager.conf includes it, so Asterisk refuses manager.conf):
    /// setup creates it with manager.conf's mode, and --undo removes it, leaving the tree as it was.
    @Test func aMissingManagerCustomIsCreatedAndUndoRemovesIt() throws {
        let (scratch, etc) = try copy("freepbx")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let custom = etc + "/asterisk/manager_custom.conf"
        try FileManager.default.removeItem(atPath: custom)
        let original = try snapshot(etc)
        let first = try setup(etc, ["--no-reload", "--no-verify"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("created \(custom)"), "\(first.stdout)")
        #expect(try mode(custom) == (try mode(etc + "/asterisk/manager.conf")))
        let second = try setup(etc, ["--no-reload", "--no-verify"])
        #expect(second.status == 0 && second.stdout.contains("already set up, nothing changed"))
        let undo = try setup(etc, ["--undo", "--no-reload"])
        #expect(undo.status == 0, "\(undo.stderr)")
        #expect(!FileManager.default.fileExists(atPath: custom))
        #expect(try snapshot(etc) == original, "undo did not restore the tree")
    }

    @Test func aSymlinkedManagerConfStaysALink() throws {
        let (scratch, etc) = try copy("plain")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let manager = etc + "/asterisk/manager.conf"
        try FileManager.default.moveItem(atPath: manager, toPath: scratch + "/manager.conf.real")
        try FileManager.default.createSymbolicLink(atPath: manager, withDestinationPath: scratch + "/manager.conf.real")
        let original = try Data(contentsOf: URL(fileURLWithPath: scratch + "/manager.conf.real"))
        #expect(try setup(etc, ["--no-reload", "--no-verify"]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: manager) == scratch + "/manager.conf.real")
        #expect(try String(contentsOfFile: scratch + "/manager.conf.real", encoding: .utf8).contains("#include manager_dahdi_doctor.conf"))
        #expect(try setup(etc, ["--undo", "--no-reload"]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: manager) == scratch + "/manager.conf.real")
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch + "/manager.conf.real")) == original)
    }

    @Test(arguments: layouts) func dryRunChangesNothing(_ layout: String) throws {
        let (scratch, etc) = try copy(layout)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let original = try snapshot(etc)
        let result = try setup(etc, ["--dry-run"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("would ") && result.stdout.contains("dry run: nothing changed"))
        #expect(result.stdout.contains("secret = (64 random hex digits, not shown)"))
        #expect(try snapshot(etc) == original)
    }

    @Test func refusesDisabledAMIAndSaysHowToEnableIt() throws {
        let (scratch, etc) = try copy("plain")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let path = etc + "/asterisk/manager.conf"
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "enabled = yes", with: "enabled = no")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let original = try snapshot(etc)
        let result = try setup(etc, ["--no-reload", "--no-verify"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("AMI is disabled") && result.stderr.contains("enabled = yes"))
        #expect(try snapshot(etc) == original)
    }

    @Test func refusesAManagerConfAsteriskCannotParse() throws {
        let (scratch, etc) = try copy("freepbx")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let path = etc + "/asterisk/manager.conf"
        // An unterminated category header: Asterisk refuses the whole file.
        try (String(contentsOfFile: path, encoding: .utf8) + "[broken\nsecret = should-not-be-quoted\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let original = try snapshot(etc)
        let result = try setup(etc, ["--no-reload", "--no-verify"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("cannot be parsed") && result.stderr.contains("manager.conf:"))
        #expect(!result.stderr.contains("should-not-be-quoted"))
        #expect(try snapshot(etc) == original)
    }

    @Test func refusesToEditAFileThatIsNotUTF8() throws {
        let (scratch, etc) = try copy("freepbx")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // A Latin-1 comment ("; Configuración local") in manager_custom.conf.
        var latin1 = Data("; Configuraci".utf8)
        latin1.append(contentsOf: [0xF3, 0x6E, 0x20, 0x6C, 0x6F, 0x63, 0x61, 0x6C, 0x0A])
        try latin1.write(to: URL(fileURLWithPath: etc + "/asterisk/manager_custom.conf"))
        let original = try snapshot(etc)
        let result = try setup(etc, ["--no-reload", "--no-verify"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("not valid UTF-8"))
        #expect(try snapshot(etc) == original)
    }

    @Test func refusesAFreePBXBoxWhoseManagerConfLostItsCustomInclude() throws {
        let (scratch, etc) = try copy("freepbx")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let path = etc + "/asterisk/manager.conf"
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "#include manager_custom.conf\n", with: "")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try setup(etc, ["--no-reload", "--no-verify"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("FreePBX") && result.stderr.contains("manager_custom.conf"))
    }

    @Test func refusesAUserItDidNotWrite() throws {
        let (scratch, etc) = try copy("plain")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let result = try setup(etc, ["--user", "reports", "--no-reload", "--no-verify"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("[reports]") && result.stderr.contains("did not write"))
        #expect(!result.stderr.contains("Wq9-reporting-box-secret"))
    }

    @Test func withoutPermissionItSaysToRunAsRoot() throws {
        guard getuid() == 0 else { return }   // setpriv needs root to become another user
        let (scratch, etc) = try copy("plain")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for path in [scratch, scratch + "/plain", etc, etc + "/asterisk"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        let original = try snapshot(etc)
        let result = try Binary.run(["setup", "ami", "--etc-root", etc, "--config", etc + "/none.toml", "--no-reload", "--no-verify"],
                                    prefix: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        #expect(result.status == 77, "\(result.stderr)")
        #expect(result.stderr.contains("EACCES") && result.stderr.contains("sudo dahdi-doctor setup ami"))
        #expect(try snapshot(etc) == original)
    }

    @Test func refusesAnAMIThatListensOnlyOnAnotherAddress() throws {
        let (scratch, etc) = try copy("plain")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let path = etc + "/asterisk/manager.conf"
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "bindaddr = 127.0.0.1", with: "bindaddr = 192.0.2.10")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try setup(etc, ["--no-reload", "--no-verify"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("listens only on 192.0.2.10"))
    }

    @Test func reloadRunsAsterisksBinaryAndAFailedReloadIsReported() throws {
        let (scratch, etc) = try copy("plain")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // Asterisk's binary stands in as a script: it records its arguments, and answers as `asterisk -rx` does
        // when no Asterisk runs (the text of main/asterisk.c's message) when told to.
        let script = scratch + "/asterisk"
        try """
            #!/bin/sh
            printf '%s\\n' "$@" > \(scratch)/arguments
            if [ -e \(scratch)/down ]; then
              echo 'Unable to connect to remote asterisk (does /var/run/asterisk/asterisk.ctl exist?)'
              exit 1
            fi
            exit 0
            """.write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let result = try setup(etc, ["--asterisk-binary", script, "--no-verify"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("manager reload: done"))
        let arguments = try String(contentsOfFile: scratch + "/arguments", encoding: .utf8)
        #expect(arguments.hasSuffix("-rx\nmanager reload\n"))

        FileManager.default.createFile(atPath: scratch + "/down", contents: nil)
        let undo = try setup(etc, ["--undo", "--asterisk-binary", script])
        #expect(undo.status == 69)
        #expect(undo.stderr.contains("Unable to connect to remote asterisk") && undo.stderr.contains("files are restored"))
    }

    @Test(arguments: layouts) func thenAPlainCheckLogsInWithTheWrittenCredentials(_ layout: String) throws {
        let (scratch, etc) = try copy(layout)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let written = try setup(etc, ["--no-reload", "--no-verify"])
        #expect(written.status == 0)
        let credentials = etc + "/dahdi-doctor/ami.conf"
        let secret = try secret(in: credentials)
        // The replay server plays an Asterisk that has reloaded manager.conf: it accepts exactly the new user.
        let server = try AMIReplayServer(user: "dahdi-doctor", secret: secret)

        let verified = try setup(etc, ["--no-reload", "--ami-port", "\(server.port)"])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("already set up") && verified.stdout.contains("login test: dahdi-doctor logged in"))

        let check = try Binary.run(["check", "--etc-root", etc, "--config", etc + "/none.toml", "--ami-port", "\(server.port)",
                                    "--ami-credentials", credentials, "--json"])
        let report = try JSONOutput.decode(Report.self, from: check.stdout)
        #expect(report.sources.contains { $0.name == "ami" && $0.available }, "\(report.sources)")
        #expect(!report.findings.flatMap(\.flattened).contains { $0.id.hasPrefix("ami-") }, "\(report.findings.map(\.id))")
        #expect(server.actions.first?.lowercased() == "login")
        // The exposure audit sees the new user: limited classes, loopback only, a strong secret.
        #expect(!report.findings.flatMap(\.flattened).contains { $0.subject == "AMI user dahdi-doctor" })
        for output in [written.stdout, written.stderr, verified.stdout, verified.stderr, check.stdout, check.stderr] {
            #expect(!output.contains(secret), "the secret leaked")
        }

        // A wrong secret on the Asterisk side: the login test fails and says so, exit 69.
        let other = try AMIReplayServer(user: "dahdi-doctor", secret: "not-what-setup-wrote")
        let refused = try setup(etc, ["--no-reload", "--ami-port", "\(other.port)"])
        #expect(refused.status == 69)
        #expect(refused.stderr.contains("login test failed"))
        #expect(!refused.stderr.contains(secret))
    }
}
