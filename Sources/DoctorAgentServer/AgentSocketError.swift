import DoctorCore
import DoctorSystem

/// Why the agent's socket could not be set up. Each is one line for the operator.
public enum AgentSocketError: Error, Sendable, Hashable, CustomStringConvertible {
    case pathTooLong(String)
    /// Another agent accepts connections on the socket: it is never taken over.
    case alreadyRunning(String)
    /// Something that is not a socket is at the path: the agent does not delete what it did not create.
    case notASocket(String)
    case failed(path: String, operation: String, error: SystemError)

    public var description: String {
        switch self {
        case .pathTooLong(let path): return "\(path): too long for a Unix socket path (107 bytes at most)"
        case .alreadyRunning(let path): return "\(path): another agent is already listening on this socket"
        case .notASocket(let path): return "\(path): exists and is not a socket; remove it or choose another --socket"
        case .failed(let path, let operation, let error): return "\(path): \(operation): \(error)"
        }
    }
}
