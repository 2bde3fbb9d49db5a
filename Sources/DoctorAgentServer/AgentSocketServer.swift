#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DoctorCore
import DoctorSystem
import Synchronization

/// The agent's HTTP/1.1 server on a Unix socket: one request per connection, one thread per connection up to a
/// cap (beyond it, after a short wait for a slot, 503), so a slow client holds only its own thread and only until its deadline. Every connection is checked
/// against the allow list with SO_PEERCRED before a byte of its request is looked at.
public final class AgentSocketServer: Sendable {
    public struct Limits: Sendable {
        /// Connections served at once; more are answered 503 at once rather than queued behind slow ones.
        public var maxConnections = 128
        /// How long a connection beyond the cap waits for a slot before it is answered 503 (the accept loop waits
        /// with it, so a flood of slow clients delays accepting by at most this much per connection).
        public var slotWait = 0.05
        public var headLimit = AgentHTTPRequestParser.defaultHeadLimit
        /// From accept to a complete request head: a client that is slower is answered 408.
        public var readDeadline = 2.0
        public var sendTimeoutMilliseconds = 2000
        public init() {}
    }

    public let path: String
    private let listenFD: CInt
    private let identity: [UInt64]?
    private let policy: PeerAccessPolicy
    private let limits: Limits
    private let handler: @Sendable (AgentHTTPRequest) -> AgentHTTPResponse
    private let active = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let acceptThread = Mutex<pthread_t?>(nil)
    /// Written by `stop()` to wake the accept loop, which otherwise sleeps in poll until a client connects.
    private let wake: (read: CInt, write: CInt)

    /// Binds `path`: a dead agent's socket is replaced, a live agent's is never stolen, anything else at the path
    /// is left alone. The file gets `mode` (0660 by default) and, when given, `group`.
    public init(path: String, mode: UInt32 = 0o660, group: UInt32? = nil, policy: PeerAccessPolicy, limits: Limits = Limits(),
                handler: @escaping @Sendable (AgentHTTPRequest) -> AgentHTTPResponse) throws(AgentSocketError) {
        guard system_agentPathFits(path) else { throw .pathTooLong(path) }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            if case .failure(let error) = system_agentEnsureDirectory(String(path[..<slash])) {
                throw .failed(path: String(path[..<slash]), operation: "mkdir", error: error)
            }
        }
        switch system_agentProbeSocket(path) {
        case .absent: break
        case .live: throw .alreadyRunning(path)
        case .notASocket: throw .notASocket(path)
        case .unusable(let error): throw .failed(path: path, operation: "connect", error: error)
        case .stale:
            if case .failure(let error) = system_agentUnlink(path) { throw .failed(path: path, operation: "unlink", error: error) }
        }
        switch system_agentWakePipe() {
        case .success(let pipe): wake = pipe
        case .failure(let error): throw .failed(path: path, operation: "pipe", error: error)
        }
        switch system_agentListen(path, mode: mode, group: group) {
        case .success(let fd): listenFD = fd
        case .failure(let error):
            system_agentClose(wake.read); system_agentClose(wake.write)
            throw error
        }
        self.path = path
        self.identity = system_agentFileIdentity(path)
        self.policy = policy
        self.limits = limits
        self.handler = handler
    }

    /// Starts accepting on a thread of its own.
    public func start() throws(AgentSocketError) {
        switch system_startThread(detached: false, { [self] in acceptLoop() }) {
        case .success(let thread): acceptThread.withLock { $0 = thread }
        case .failure(let error): throw .failed(path: path, operation: "pthread_create", error: error)
        }
    }

    /// Stops accepting (the accept loop is woken at once), closes the socket and removes its file if it is
    /// still the one this server created. Connections in flight finish on their own within their deadlines.
    public func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        system_agentWake(wake.write)
        if let thread = acceptThread.withLock({ $0 }) { system_agentJoin(thread) }
        system_agentClose(listenFD)
        system_agentClose(wake.read); system_agentClose(wake.write)
        if let identity, system_agentFileIdentity(path) == identity { _ = system_agentUnlink(path) }
    }

    public var activeConnections: Int { active.load(ordering: .relaxed) }

    private func acceptLoop() {
        while !stopping.load(ordering: .sequentiallyConsistent) {
            guard case .success(let accepted) = system_agentAccept(listenFD, wake: wake.read, milliseconds: 60_000), let client = accepted else { continue }
            guard claimSlot() else {
                reject(client, .error(503, "too many connections"))
                continue
            }
            let started = system_startThread(detached: true) { [self] in
                serve(client)
                active.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            }
            if case .failure = started {
                active.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                reject(client, .error(503, "cannot start a connection thread"))
            }
        }
    }

    /// On the accept thread, so it never waits for the client: answers, then discards the request if it has
    /// already arrived (closing a Unix socket with unread input resets the peer, which could then lose the answer).
    /// A connection slot: at once when one is free, else after waiting up to `limits.slotWait` for one (a burst
    /// of quick requests is served rather than refused; connections meanwhile wait in the listen backlog).
    private func claimSlot() -> Bool {
        let deadline = system_monotonicSeconds() + limits.slotWait
        while true {
            if active.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue <= limits.maxConnections { return true }
            active.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            if system_monotonicSeconds() >= deadline || stopping.load(ordering: .relaxed) { return false }
            system_agentSleep(milliseconds: 1)
        }
    }

    private func reject(_ client: CInt, _ response: AgentHTTPResponse) {
        system_agentSetSendTimeout(client, milliseconds: 200)
        _ = system_agentSendAll(client, response.serialized)
        system_agentShutdownWrite(client)
        system_agentDiscardPending(client, limit: 64 * 1024)
        system_agentClose(client)
    }

    private func serve(_ client: CInt) {
        defer { system_agentClose(client) }
        system_agentSetSendTimeout(client, milliseconds: limits.sendTimeoutMilliseconds)
        let response: AgentHTTPResponse
        switch system_agentPeerCredentials(client) {
        case .failure(let error):
            response = .error(403, "cannot identify the client: \(error)")
        case .success(let peer) where !policy.allows(uid: peer.uid, gid: peer.gid, groups: peer.groups):
            response = .error(403, "uid \(peer.uid) gid \(peer.gid) is not allowed; see the agent's --allow-uid and --allow-gid")
        case .success:
            switch readRequest(client) {
            case .request(let request): response = handler(request)
            case .refused(let refusal): response = refusal
            case .closed: return
            }
        }
        _ = system_agentSendAll(client, response.serialized)
        lingeringClose(client)
    }

    private enum ReadOutcome {
        case request(AgentHTTPRequest)
        case refused(AgentHTTPResponse)
        /// The client connected and hung up without a byte: nothing to answer.
        case closed
    }

    private func readRequest(_ client: CInt) -> ReadOutcome {
        let deadline = system_monotonicSeconds() + limits.readDeadline
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            do {
                if let request = try AgentHTTPRequestParser.parse(received, headLimit: limits.headLimit) { return .request(request) }
            } catch {
                return .refused(.error(error.statusCode, error.reason))
            }
            let left = Int32(max(0, (deadline - system_monotonicSeconds()) * 1000))
            guard left > 0, case .success(true) = system_poll(client, for: .readable, milliseconds: left) else {
                return .refused(.error(408, "no complete request within \(limits.readDeadline) s"))
            }
            switch chunk.withUnsafeMutableBytes({ system_agentReceive(client, into: $0) }) {
            case .success(0):
                return received.isEmpty ? .closed : .refused(.error(400, "the request ended before its head was complete"))
            case .success(let count):
                received.append(contentsOf: chunk[..<count])
            case .failure:
                return .closed
            }
        }
    }

    /// Half-closes, then reads and discards what the client still sends (briefly, and at most 64 KiB) before
    /// closing. Closing a Unix socket with unread input resets the peer, which could then lose the answer.
    private func lingeringClose(_ client: CInt) {
        system_agentShutdownWrite(client)
        let deadline = system_monotonicSeconds() + 0.5
        var drained = 0
        var chunk = [UInt8](repeating: 0, count: 4096)
        while drained < 64 * 1024 {
            let left = Int32(max(0, (deadline - system_monotonicSeconds()) * 1000))
            guard left > 0, case .success(true) = system_poll(client, for: .readable, milliseconds: left),
                  case .success(let count) = chunk.withUnsafeMutableBytes({ system_agentReceive(client, into: $0) }), count > 0
            else { return }
            drained += count
        }
    }
}
