import DoctorCore
import Foundation
import Testing

/// Inputs the fuzz targets (Tools/fuzz) found, under Fixtures/fuzz-regressions/, each run through the parser with
/// the invariant that broke. See Fixtures/fuzz-regressions/README.md.
@Suite struct FuzzRegressionTests {
    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.directory + "/fuzz-regressions/" + name)))
    }

    /// Every way of splitting the bytes into two reads, plus one byte per read.
    static func splits(_ bytes: [UInt8]) -> [[ArraySlice<UInt8>]] {
        var result = (0...bytes.count).map { [bytes[..<$0], bytes[$0...]] }
        result.append(bytes.indices.map { bytes[$0...$0] })
        return result
    }

    static func framed(_ reads: [ArraySlice<UInt8>]) -> [Result<SipResponse, SipParseError>] {
        var framer = SipStreamFramer()
        var results: [Result<SipResponse, SipParseError>] = []
        for read in reads {
            framer.append(read)
            while let result = framer.next() { results.append(result) }
        }
        return results
    }

    @Test func sipStreamErrorDoesNotDependOnReads() throws {
        let input = try Self.bytes("sip-not-sip-start-line-and-bad-header")
        let whole = Self.framed([input[...]])
        guard case .failure(.notSip)? = whole.first, whole.count == 1 else {
            Issue.record("expected one notSip failure, got \(whole)")
            return
        }
        for reads in Self.splits(input) {
            #expect(Self.framed(reads) == whole, "split at \(reads.map(\.count))")
        }
    }

    static func outcome(_ bytes: ArraySlice<UInt8>) -> String {
        do {
            guard let request = try AgentHTTPRequestParser.parse(Array(bytes)) else { return "need more" }
            return "\(request.method) \(request.target)"
        } catch {
            return "error \(error)"
        }
    }

    @Test func agentRequestErrorDoesNotDependOnReads() throws {
        let input = try Self.bytes("agent-http-bad-method-and-part-count")
        let whole = Self.outcome(input[...])
        #expect(whole == "error \(AgentHTTPRequestError.malformed("the method is not a token"))")
        // The server parses what it has after every read: the first answer it gets must be the final one.
        for count in 0...input.count {
            let early = Self.outcome(input[..<count])
            if early != "need more" { #expect(early == whole, "after \(count) bytes") }
        }
    }
}
