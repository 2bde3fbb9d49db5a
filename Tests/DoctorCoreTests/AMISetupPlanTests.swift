import Foundation
import Testing
@testable import DoctorCore

/// The `setup ami` planner on files held in memory: where the user goes, what counts as already set up, what it
/// refuses, and that undo of a plan gives back the original text.
@Suite struct AMISetupPlanTests {
    static let secret = String(repeating: "ab", count: 32)
    static let manager = "[general]\nenabled = yes\nbindaddr = 127.0.0.1\n"

    func inputs(_ files: [String: String], credentials: String? = nil, freePBX: [String] = [], user: String = AMISetup.defaultUser) -> AMISetupInputs {
        AMISetupInputs(source: TestConfigSources.memory(files), freePBXSigns: freePBX,
                       credentialsPath: "/etc/dahdi-doctor/ami.conf", credentialsText: credentials,
                       credentialsDirectoryExists: true, user: user)
    }

    /// The files after the changes, as a map by name relative to /etc/asterisk (credentials under "ami.conf").
    func applied(_ files: [String: String], _ changes: [AMISetupChange]) -> ([String: String], String?) {
        var result = files
        var credentials: String?
        for change in changes {
            if change.path == "/etc/dahdi-doctor/ami.conf" { credentials = change.after; continue }
            let name = String(change.path.dropFirst("/etc/asterisk/".count))
            result[name] = change.after
        }
        return (result, credentials)
    }

    @Test func secretIsHexOfTheBytes() {
        #expect(AMISetup.secret(from: [0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
    }

    @Test func includeDetectionFollowsAsterisksPathRules() {
        let source = TestConfigSources.memory([:])
        for line in ["#include manager_custom.conf", "#include \"manager_custom.conf\"", "#tryinclude <manager_custom.conf>",
                     "  #include /etc/asterisk/manager_custom.conf ; FreePBX"] {
            #expect(AMISetupPlanner.includes("[general]\n\(line)\n", "manager_custom.conf", source: source), "\(line)")
        }
        for line in [";#include manager_custom.conf", "#include manager_custom.conf.bak", "#include /other/manager_custom.conf"] {
            #expect(!AMISetupPlanner.includes("[general]\n\(line)\n", "manager_custom.conf", source: source), "\(line)")
        }
    }

    @Test func plainBoxGetsItsOwnFileAndOneIncludeAndUndoGivesBackTheText() throws {
        let files = ["manager.conf": Self.manager + "[other]\nsecret = x\nread = all"]   // no final line break
        let plan = try AMISetupPlanner.plan(inputs(files), secret: Self.secret).get()
        #expect(plan.changes.map(\.kind) == [.create, .edit, .create])
        let (after, credentials) = applied(files, plan.changes)
        #expect(after["manager.conf"]?.hasSuffix("read = all\n#include manager_dahdi_doctor.conf ; dahdi-doctor setup ami, after an added line break\n") == true)
        #expect(try AMICredentials.parse(try #require(credentials), file: "ami.conf").secret.revealedForWire == Self.secret)
        for change in plan.changes {
            #expect(!change.shownLines.joined().contains(Self.secret), "the secret is shown")
            #expect(!change.headline(dryRun: false).contains(Self.secret))
        }
        // The same inputs again: already set up.
        let again = try AMISetupPlanner.plan(inputs(after, credentials: credentials), secret: "cd" + Self.secret.dropFirst(2)).get()
        #expect(again.changes.isEmpty && again.alreadyDone != nil)
        // Undo restores manager.conf to the byte, and removes the file it created.
        let undo = try AMISetupPlanner.undo(inputs(after, credentials: credentials)).get()
        let (restored, _) = applied(after, undo)
        #expect(restored["manager.conf"] == files["manager.conf"])
        #expect(restored["manager_dahdi_doctor.conf"] == nil)
        #expect(undo.first { $0.path.hasSuffix("ami.conf") }?.kind == .remove)
    }

    @Test func anAppendedCustomFileKeepsWhatCameAfterTheBlockOnUndo() throws {
        let files = ["manager.conf": Self.manager + "#include manager_custom.conf\n", "manager_custom.conf": "; local\n"]
        let plan = try AMISetupPlanner.plan(inputs(files), secret: Self.secret).get()
        #expect(plan.changes.count == 2 && plan.userFile == "/etc/asterisk/manager_custom.conf")
        var (after, credentials) = applied(files, plan.changes)
        after["manager_custom.conf"]! += "[later]\nsecret = y\n"
        let (restored, _) = applied(after, try AMISetupPlanner.undo(inputs(after, credentials: credentials)).get())
        #expect(restored["manager_custom.conf"] == "; local\n[later]\nsecret = y\n")
    }

    /// FreePBX's manager.conf includes manager_custom.conf, which a fresh box may not have yet: setup ami creates it
    /// (and --undo removes it again), rather than refusing.
    @Test func aMissingCustomFileIsCreatedAndUndoRemovesIt() throws {
        let files = ["manager.conf": Self.manager + "#include manager_custom.conf\n"]
        let plan = try AMISetupPlanner.plan(inputs(files, freePBX: ["/etc/freepbx.conf exists"]), secret: Self.secret).get()
        #expect(plan.userFile == "/etc/asterisk/manager_custom.conf")
        #expect(plan.changes.map(\.kind) == [.create, .create])
        #expect(plan.changes.first?.path == "/etc/asterisk/manager_custom.conf")
        #expect(plan.changes.first?.mode == nil, "a new Asterisk file takes manager.conf's owner and mode when applied")
        let (after, credentials) = applied(files, plan.changes)
        #expect(after["manager.conf"] == files["manager.conf"], "manager.conf is not touched")
        let again = try AMISetupPlanner.plan(inputs(after, credentials: credentials, freePBX: ["/etc/freepbx.conf exists"]), secret: Self.secret).get()
        #expect(again.changes.isEmpty && again.alreadyDone != nil)
        let undo = try AMISetupPlanner.undo(inputs(after, credentials: credentials)).get()
        #expect(undo.first { $0.path.hasSuffix("manager_custom.conf") }?.kind == .remove)
        let (restored, _) = applied(after, undo)
        #expect(restored == files, "the files are back as they were, manager_custom.conf gone")
    }

    @Test func aUserSetUpByHandCountsWhenItIsAsLimited() throws {
        let files = ["manager.conf": Self.manager + "[monitor]\nsecret = \(Self.secret)\ndeny = 0.0.0.0/0.0.0.0\npermit = 127.0.0.1/255.255.255.255\nread = system,reporting\nwrite = reporting,system\n"]
        let credentials = "username = monitor\nsecret = \(Self.secret)\n"
        let plan = try AMISetupPlanner.plan(inputs(files, credentials: credentials, user: "monitor"), secret: Self.secret).get()
        #expect(plan.alreadyDone?.contains("by hand") == true)
        // The same user with originate: refused, not accepted.
        let wide = ["manager.conf": files["manager.conf"]!.replacingOccurrences(of: "write = reporting,system", with: "write = system,originate")]
        guard case .failure(let refusal) = AMISetupPlanner.plan(inputs(wide, credentials: credentials, user: "monitor"), secret: Self.secret) else {
            Issue.record("a user with originate was accepted"); return
        }
        #expect(refusal.reason.contains("not limited"))
        #expect(!refusal.description.contains(Self.secret))
    }

    @Test func refusals() {
        let cases: [(String, [String: String], String?, String)] = [
            ("no manager.conf", [:], nil, "cannot be read"),
            ("no [general]", ["manager.conf": "[x]\nsecret = y\n"], nil, "no [general]"),
            ("disabled by default", ["manager.conf": "[general]\nport = 5038\n"], nil, "AMI is disabled"),
            ("unparsable", ["manager.conf": Self.manager + "[broken\n"], nil, "cannot be parsed"),
            ("another address", ["manager.conf": "[general]\nenabled = yes\nbindaddr = 10.1.2.3\n"], nil, "listens only on 10.1.2.3"),
            ("credentials not ours", ["manager.conf": Self.manager], "username = someone\nsecret = z\n", "already exists (user someone)"),
        ]
        for (name, files, credentials, expected) in cases {
            guard case .failure(let refusal) = AMISetupPlanner.plan(inputs(files, credentials: credentials), secret: Self.secret) else {
                Issue.record("\(name): not refused"); continue
            }
            #expect(refusal.reason.contains(expected), "\(name): \(refusal.reason)")
            #expect(!refusal.fix.isEmpty)
        }
        guard case .failure = AMISetupPlanner.plan(inputs(["manager.conf": Self.manager], user: "bad name]"), secret: Self.secret) else {
            Issue.record("a user name with ']' was accepted"); return
        }
    }

    /// Whatever manager.conf or manager_custom.conf hold (broken input, CRLF, a lone CR at the end, no final line
    /// break, a BOM), setup either refuses or its changes, undone, give back exactly the original text.
    @Test(arguments: BrokenInput.cases(sample: Self.manager + "[reports]\nsecret = x\nread = reporting\n")
          + [BrokenInput.Case(name: "lone CR at the end", text: Self.manager + "\r"),
             BrokenInput.Case(name: "CRLF without final", text: Self.manager.replacing("\n", with: "\r\n").dropLast(2) + "")])
    func undoOfAnyPlanGivesBackTheOriginal(_ input: BrokenInput.Case) throws {
        for files in [["manager.conf": input.text],
                      ["manager.conf": Self.manager + "#include manager_custom.conf\n", "manager_custom.conf": input.text]] {
            guard case .success(let plan) = AMISetupPlanner.plan(inputs(files), secret: Self.secret) else { continue }
            let (after, credentials) = applied(files, plan.changes)
            let again = try AMISetupPlanner.plan(inputs(after, credentials: credentials), secret: Self.secret).get()
            #expect(again.changes.isEmpty, "\(input.name): a second run would change something")
            let (restored, _) = applied(after, try AMISetupPlanner.undo(inputs(after, credentials: credentials)).get())
            #expect(restored.mapValues { Array($0.utf8) } == files.mapValues { Array($0.utf8) }, "\(input.name): undo is not byte for byte")
        }
    }
}
