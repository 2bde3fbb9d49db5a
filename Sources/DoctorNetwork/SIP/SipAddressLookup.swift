import DoctorCore
import DoctorSystem
import Synchronization

/// Where a target's addresses come from: numeric addresses at once, names from getaddrinfo on a thread of their
/// own, so one name whose DNS server is dead never holds up the other targets of the run.
enum SipAddressLookup: Sendable {
    case resolved([SipSocketAddress])
    case failed(SipProbeFailure)
    case pending(SipPendingLookup)

    static func start(_ target: SipTarget, transport: SipProbeResult.Transport) -> SipAddressLookup {
        switch system_sipLookup(host: target.host, port: target.port, transport: transport, numericOnly: true) {
        case .success(let addresses): return .resolved(addresses)
        case .failure(.failed(let message)): return .failed(.resolution(host: target.host, message: message))
        case .failure(.notNumeric): break
        }
        // getaddrinfo blocks for as long as a dead DNS server makes it: on its own thread it cannot hold up the
        // probes of other targets.
        let pending = SipPendingLookup()
        let started = system_startThread(detached: true) { [pending] in
            let result = system_sipLookup(host: target.host, port: target.port, transport: transport, numericOnly: false)
            pending.finish(result.mapError { error -> SipProbeFailure in
                switch error {
                case .failed(let message): return .resolution(host: target.host, message: message)
                case .notNumeric: return .resolution(host: target.host, message: "not found")
                }
            })
        }
        if case .failure(let error) = started {
            return .failed(.system(operation: "start resolver thread for", address: target.host, error: error))
        }
        return .pending(pending)
    }
}

/// A lookup running on its own thread. The probe loop only peeks; if the deadline comes first it stops looking and
/// the thread finishes on its own later.
final class SipPendingLookup: Sendable {
    private let state = Mutex<Result<[SipSocketAddress], SipProbeFailure>?>(nil)

    var result: Result<[SipSocketAddress], SipProbeFailure>? { state.withLock { $0 } }

    fileprivate func finish(_ result: Result<[SipSocketAddress], SipProbeFailure>) {
        state.withLock { $0 = result }
    }
}
