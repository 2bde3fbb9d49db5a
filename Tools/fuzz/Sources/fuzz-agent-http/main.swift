import DoctorCore
import FuzzSupport

/// A request head on the agent's Unix socket, read the way the server reads it: the parser is called on the bytes
/// received so far after every read. Invariants: never trap; once a prefix gives a request or an error, the whole
/// input gives the same one (the answer never changes as more bytes arrive); the router answers any request.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let final = outcome(bytes)
    var received = 0
    for chunk in Fuzz.chunks(bytes).prefix(64) {
        received += chunk.count
        let early = outcome(Array(bytes[..<received]))
        if case .needMore = early { continue }
        Fuzz.require(early == final, "after \(received) bytes: \(early), after all \(bytes.count): \(final)")
        break
    }
    if case .request(let request) = final {
        _ = request.path
        let response = AgentRoutes.respond(to: request, state: AgentState(), generator: "fuzz")
        Fuzz.require((200...599).contains(response.status), "status \(response.status)")
    }
    return 0
}

enum Outcome: Equatable, CustomStringConvertible {
    case needMore
    case request(AgentHTTPRequest)
    case error(AgentHTTPRequestError)

    var description: String {
        switch self {
        case .needMore: return "need more"
        case .request(let request): return "\(request.method) \(request.target) \(request.version) \(request.headers)"
        case .error(let error): return "error \(error)"
        }
    }

    static func == (a: Outcome, b: Outcome) -> Bool {
        switch (a, b) {
        case (.needMore, .needMore): return true
        case (.request(let x), .request(let y)):
            return x == y && x.version == y.version && x.headers.map(\.name) == y.headers.map(\.name)
                && x.headers.map(\.value) == y.headers.map(\.value)
        case (.error(let x), .error(let y)): return x == y
        default: return false
        }
    }
}

func outcome(_ bytes: [UInt8]) -> Outcome {
    do {
        guard let request = try AgentHTTPRequestParser.parse(bytes) else { return .needMore }
        return .request(request)
    } catch {
        return .error(error)
    }
}
