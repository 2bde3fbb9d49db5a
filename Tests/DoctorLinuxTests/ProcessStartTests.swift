import Foundation
import Testing
@testable import DoctorNetwork
@testable import dahdi_doctor

/// What every start of the binary costs (issue 17): OpenSSL is loaded on first TLS use, not at start.
@Suite struct ProcessStartTests {
    @Test func theBinaryDoesNotLinkOpenSSL() throws {
        let result = try Binary.runTool("/usr/bin/readelf", ["--dynamic", "--wide", Binary.path], stdin: "")
        #expect(result.status == 0, "readelf: \(result.stderr)")
        let needed = result.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(!needed.isEmpty, "no NEEDED entries in \(result.stdout)")
        #expect(!needed.contains { $0.contains("libssl") || $0.contains("libcrypto") }, "\(needed)")
    }

    @Test func aTLSEngineLoadsOpenSSL() throws {
        let engine = try TLSEngine(host: "pbx.example", policy: TLSPolicy(trust: .insecure))
        // The first handshake step writes a ClientHello (a TLS handshake record: content type 22).
        #expect(engine.handshake() == .wantRead)
        #expect(engine.drainOutgoing().first == 22)
    }
}

/// `ScanRequest(exactly:)` (FastStart.swift) reads the common forms of `scan`'s arguments without ArgumentParser;
/// whatever it accepts must parse to the same values through ArgumentParser's own definitions of `scan`.
@Suite struct ScanFastPathTests {
    /// `scan`'s arguments as ArgumentParser describes them (`--experimental-dump-help` of the built binary).
    static func declaredArguments() throws -> [(long: String, takesValue: Bool)] {
        let result = try Binary.runTool(Binary.path, ["--experimental-dump-help"], stdin: "")
        #expect(result.status == 0, "\(result.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let command = try #require(root["command"] as? [String: Any])
        let subcommands = try #require(command["subcommands"] as? [[String: Any]])
        let scan = try #require(subcommands.first { $0["commandName"] as? String == "scan" })
        let arguments = try #require(scan["arguments"] as? [[String: Any]])
        return try arguments.map { argument in
            let names = try #require(argument["names"] as? [[String: Any]])
            let long = try #require(names.first { $0["kind"] as? String == "long" }?["name"] as? String)
            return ("--" + long, argument["kind"] as? String == "option")
        }
    }

    @Test func everyDeclaredOptionIsCovered() throws {
        let declared = Set(try Self.declaredArguments().map(\.long))
        // The fast path knows these; the others (help, the hidden benchmark option) must always go to ArgumentParser.
        #expect(declared.isSuperset(of: ["--sysfs-root", "--procfs-root", "--devfs-root", "--fs-root", "--json"]))
        #expect(declared.subtracting(["--sysfs-root", "--procfs-root", "--devfs-root", "--fs-root", "--json"])
                    .isSubset(of: ["--bench-reads", "--help", "--version"]), "a new scan option: teach ScanRequest or keep it out: \(declared)")
    }

    @Test func acceptedListsParseTheSameThroughArgumentParser() throws {
        let declared = try Self.declaredArguments()
        #expect(declared.count >= 6)
        let values = ["/tmp/box", "/sys", "a b", "x=y", "", "-", "-x", "--json", "/", "12", "0"]
        let strays = ["-h", "--help", "--version", "--", "extra", "--unknown", "-j", "--JSON", "--json=true", "scan"]
        var pieces: [[String]] = strays.map { [$0] }
        for (long, takesValue) in declared {
            if takesValue {
                for value in values {
                    pieces.append([long, value])
                    pieces.append([long + "=" + value])
                }
                pieces.append([long])
            } else {
                pieces.append([long])
            }
        }
        var generator = SplitMix64(seed: 17)
        var lists: [[String]] = [[]] + pieces
        for _ in 0..<3000 {
            let count = Int(generator.next() % 5)
            lists.append((0..<count).flatMap { _ in pieces[Int(generator.next() % UInt64(pieces.count))] })
        }
        var accepted = 0, rejected = 0
        for list in lists {
            let fast = ScanRequest(exactly: list)
            let parsed = (try? Scan.parseAsRoot(list)) as? Scan
            if let fast {
                accepted += 1
                #expect(parsed?.request == fast, "\(list): ArgumentParser \(String(describing: parsed?.request)), fast path \(fast)")
            } else {
                rejected += 1
            }
        }
        // Both outcomes are exercised, including lists ArgumentParser accepts and the fast path leaves to it.
        #expect(accepted > 200 && rejected > 200, "accepted \(accepted), rejected \(rejected)")
        #expect(ScanRequest(exactly: []) == ScanRequest())
        #expect(ScanRequest(exactly: ["--json"])?.json == true)
        #expect(ScanRequest(exactly: ["--sysfs-root", "/tmp/box", "--json"])?.sysfsRoot == "/tmp/box")
        #expect(ScanRequest(exactly: ["--sysfs-root=/tmp/box"]) == nil)
        #expect(ScanRequest(exactly: ["--bench-reads", "3"]) == nil)
    }

    @Test func theDefaultsAreArgumentParsers() throws {
        let parsed = try #require(try Scan.parseAsRoot([]) as? Scan)
        #expect(parsed.request == ScanRequest())
    }
}

/// A seeded generator: the same lists on every run.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct VersionFastPathTests {
    /// `dahdi-doctor --version` is answered before ArgumentParser builds the command tree: the same text and status.
    @Test func theSameAsArgumentParsers() throws {
        var argumentParsers = ""
        do {
            _ = try DahdiDoctor.parseAsRoot(["--version"])
            Issue.record("--version parsed as a command")
        } catch {
            argumentParsers = DahdiDoctor.fullMessage(for: error)
            #expect(DahdiDoctor.exitCode(for: error) == .success)
        }
        let result = try Binary.runTool(Binary.path, ["--version"], stdin: "")
        #expect(result.status == 0)
        #expect(result.stdout == argumentParsers + "\n")
        #expect(result.stderr.isEmpty)
    }
}
