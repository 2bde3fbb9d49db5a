import DoctorCore
import FuzzSupport

/// SIP responses: one datagram (`SipResponse.parse`) and a TCP stream (`SipStreamFramer`). Invariants: never trap;
/// the stream framer gives the same sequence of results whether the bytes come at once or in read-sized chunks; a
/// parsed response has a 3-digit status.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    if case .success(let response) = SipResponse.parse(datagram: bytes) {
        Fuzz.require((100...699).contains(response.statusCode), "status \(response.statusCode)")
        _ = response.server
        _ = response.headers.values("Via")
    }

    var whole = SipStreamFramer()
    whole.append(bytes)
    var wholeResults: [Result<SipResponse, SipParseError>] = []
    while let result = whole.next() { wholeResults.append(result) }

    var chunked = SipStreamFramer()
    var chunkedResults: [Result<SipResponse, SipParseError>] = []
    for chunk in Fuzz.chunks(bytes) {
        chunked.append(chunk)
        while let result = chunked.next() { chunkedResults.append(result) }
    }
    Fuzz.require(wholeResults == chunkedResults,
                 "whole: \(wholeResults.map(describe)), chunked: \(chunkedResults.map(describe))")
    Fuzz.require(whole.failure == chunked.failure, "failures differ")
    return 0
}

func describe(_ result: Result<SipResponse, SipParseError>) -> String {
    switch result {
    case .success(let response): return "\(response.statusCode) \(response.reason)"
    case .failure(let error): return "error \(error)"
    }
}
