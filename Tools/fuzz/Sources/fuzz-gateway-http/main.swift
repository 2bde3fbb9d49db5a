import DoctorCore
import FuzzSupport

// The gateway HTTP response parser is pure Swift in DoctorCore (HTTP/HTTPResponseParser.swift), with package access.

/// Bytes from a gateway's web server, fed the way the client feeds them. Invariants: never trap; whole or in
/// read-sized chunks, the outcome (response or error) is the same; a body never exceeds its limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let bodyLimit = 4096
    let whole = read([bytes[...]], bodyLimit: bodyLimit)
    let chunked = read(Fuzz.chunks(bytes), bodyLimit: bodyLimit)
    Fuzz.require(whole == chunked, "whole: \(whole), chunked: \(chunked)")
    if case .response(let response) = whole {
        Fuzz.require(response.body.count <= bodyLimit, "body of \(response.body.count) bytes over the limit")
        Fuzz.require((100...999).contains(response.statusCode), "status \(response.statusCode)")
        for header in response.head.headers {
            Fuzz.require(header.name == header.name.lowercased(), "header name not lower-cased: \(header.name)")
        }
    }
    return 0
}

enum Outcome: Equatable {
    case response(HTTPResponse)
    case error(HTTPParseError)
}

func read(_ chunks: [ArraySlice<UInt8>], bodyLimit: Int) -> Outcome {
    var parser = HTTPResponseParser(bodyLimit: bodyLimit, headLimit: 2048)
    do {
        for chunk in chunks {
            if let response = try parser.feed(chunk) { return .response(response) }
        }
        return .response(try parser.finish())
    } catch {
        return .error(error)
    }
}
