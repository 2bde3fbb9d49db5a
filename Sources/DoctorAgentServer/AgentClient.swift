import DoctorCore
import DoctorSystem

/// Why `dahdi-doctor status` got no answer from the agent.
public enum AgentClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No socket file, or nobody listening on it.
    case notRunning(path: String, error: SystemError)
    case failed(path: String, reason: String)

    public var description: String {
        switch self {
        case .notRunning(let path, let error): return "the agent is not running: \(path): \(error)"
        case .failed(let path, let reason): return "cannot read the agent at \(path): \(reason)"
        }
    }
}

/// A one-shot GET over the agent's Unix socket, for `dahdi-doctor status`.
public enum AgentClient {
    public static func get(_ target: String, socket path: String, timeout: Double = 5) throws(AgentClientError) -> (status: Int, body: String) {
        let fd: CInt
        switch system_agentConnect(path) {
        case .success(let value): fd = value
        case .failure(let error) where error.isNotFound || error.code == 111 /* ECONNREFUSED */:
            throw .notRunning(path: path, error: error)
        case .failure(let error):
            throw .failed(path: path, reason: "connect: \(error)")
        }
        defer { system_agentClose(fd) }
        let request = "GET \(target) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: dahdi-doctor-status\r\nConnection: close\r\n\r\n"
        if case .failure(let error) = system_agentSendAll(fd, Array(request.utf8)) { throw .failed(path: path, reason: "send: \(error)") }
        let deadline = system_monotonicSeconds() + timeout
        var parser = HTTPResponseParser(bodyLimit: 64 << 20)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        do {
            while true {
                let left = Int32(max(0, (deadline - system_monotonicSeconds()) * 1000))
                guard left > 0, case .success(true) = system_poll(fd, for: .readable, milliseconds: left) else {
                    throw AgentClientError.failed(path: path, reason: "no answer within \(timeout) s")
                }
                switch chunk.withUnsafeMutableBytes({ system_agentReceive(fd, into: $0) }) {
                case .failure(let error): throw AgentClientError.failed(path: path, reason: "recv: \(error)")
                case .success(0):
                    let response = try parser.finish()
                    return (response.statusCode, String(decoding: response.body, as: UTF8.self))
                case .success(let count):
                    if let response = try parser.feed(chunk[..<count]) {
                        return (response.statusCode, String(decoding: response.body, as: UTF8.self))
                    }
                }
            }
        } catch let error as AgentClientError {
            throw error
        } catch {
            throw .failed(path: path, reason: "not an HTTP answer: \(error)")
        }
    }
}
