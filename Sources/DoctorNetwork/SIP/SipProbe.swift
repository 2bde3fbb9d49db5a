import DoctorCore
import DoctorSystem

/// One target's OPTIONS transaction inside a probe run: resolve, connect, send (retransmitting on UDP), read until
/// a final response or the deadline. Owned and driven by the run's single poll loop; it never blocks.
struct SipProbe {
    enum Phase {
        case resolving(SipPendingLookup)
        case connecting
        case exchanging
        case finished(SipProbeResult)
    }

    let spec: SipProbeTarget
    let deadline: ContinuousClock.Instant
    private let settings: SipProbeSettings
    private let target: SipTarget?
    private(set) var phase: Phase

    private var addresses: [SipSocketAddress] = []
    private var nextAddress = 0
    private var address: SipSocketAddress?
    private(set) var socket: CInt?
    private var lastFailure: SipProbeFailure?

    private var request: SipOptionsRequest?
    private var cseq = 0
    /// TCP: what the kernel has not taken yet.
    private var unsent: ArraySlice<UInt8> = []
    private var firstSentAt: ContinuousClock.Instant?
    private var transmissions = 0
    private var schedule: SipRetransmitSchedule
    private var retransmitAt: ContinuousClock.Instant?
    private var connectDeadline: ContinuousClock.Instant?
    private var framer = SipStreamFramer()
    private var provisional: String?
    private var ignored = 0
    private var firstIgnored: String?

    init(_ spec: SipProbeTarget, settings: SipProbeSettings, start: ContinuousClock.Instant) {
        self.spec = spec
        self.settings = settings
        self.deadline = start + settings.deadline
        self.schedule = SipRetransmitSchedule(t1: settings.t1, t2: settings.t2)
        let parsed: SipTarget
        do {
            parsed = try SipTarget(parsing: spec.target)
        } catch {
            target = nil
            phase = .finished(SipProbeResult(target: spec.target, transport: spec.transport, outcome: .error,
                                             transmissions: 0, error: SipProbeFailure.invalidTarget(error).description))
            return
        }
        target = parsed
        switch SipAddressLookup.start(parsed, transport: spec.transport) {
        case .pending(let lookup): phase = .resolving(lookup)
        // The first connect happens in advance(), with the run's randomness at hand.
        case .resolved(let found): addresses = found; phase = .connecting
        case .failed(let failure): phase = .finished(Self.result(spec, transmissions: 0, failing: failure))
        }
    }

    var result: SipProbeResult? {
        if case .finished(let result) = phase { return result }
        return nil
    }

    /// When this probe next needs the loop's attention even if its socket stays quiet.
    var nextWake: ContinuousClock.Instant {
        switch phase {
        case .resolving, .finished: return deadline
        case .connecting: return min(connectDeadline ?? deadline, deadline)
        case .exchanging: return min(retransmitAt ?? deadline, deadline)
        }
    }

    var isResolving: Bool {
        if case .resolving = phase { return true }
        return false
    }

    var pollRequest: SipPollRequest? {
        guard let socket else { return nil }
        switch phase {
        case .connecting: return SipPollRequest(fd: socket, read: false, write: true)
        case .exchanging: return SipPollRequest(fd: socket, read: true, write: !unsent.isEmpty)
        case .resolving, .finished: return nil
        }
    }

    // MARK: timers

    /// Everything that happens because time passed: a lookup that finished, a first connect, a retransmission, a
    /// connect timeout, the deadline.
    mutating func advance(now: ContinuousClock.Instant, using generator: inout some RandomNumberGenerator) {
        if case .finished = phase { return }
        if now >= deadline { return expire() }
        switch phase {
        case .resolving(let lookup):
            switch lookup.result {
            case nil: return
            case .failure(let failure)?: finish(failure)
            case .success(let found)?:
                addresses = found
                phase = .connecting
                openNextAddress(now: now, using: &generator)
            }
        case .connecting where socket == nil:
            openNextAddress(now: now, using: &generator)
        case .connecting:
            if let connectDeadline, now >= connectDeadline {
                let failure = SipProbeFailure.connectTimedOut(address: address?.description ?? spec.target,
                                                              after: settings.connectTimeout)
                abandonAddress(failure, now: now, using: &generator)
            }
        case .exchanging:
            if spec.transport == .udp, let retransmitAt, now >= retransmitAt { sendDatagram(now: now, using: &generator) }
        case .finished:
            return
        }
    }

    private mutating func expire() {
        switch phase {
        case .resolving:
            finish(.resolutionTimedOut(host: target?.host ?? spec.target))
        case .connecting:
            finish(.connectTimedOut(address: address?.description ?? spec.target, after: settings.deadline))
        case .exchanging:
            finish(.noFinalResponse(after: settings.deadline, provisional: provisional, ignored: ignored,
                                    firstIgnored: firstIgnored))
        case .finished:
            return
        }
    }

    // MARK: sockets

    /// Tries the addresses in resolver order until one takes the request (for example ::1 refused, then
    /// 127.0.0.1); with none left, the last address's failure is the result.
    private mutating func openNextAddress(now: ContinuousClock.Instant, using generator: inout some RandomNumberGenerator) {
        while case .connecting = phase, socket == nil {
            guard nextAddress < addresses.count else {
                return finish(lastFailure ?? .resolution(host: target?.host ?? spec.target, message: "no address"))
            }
            let candidate = addresses[nextAddress]
            nextAddress += 1
            address = candidate
            let fd: CInt
            switch system_sipSocket(for: candidate, transport: spec.transport) {
            case .success(let value): fd = value
            case .failure(let error):
                lastFailure = .system(operation: "socket for", address: candidate.description, error: error)
                continue
            }
            socket = fd
            switch system_sipConnect(fd, to: candidate) {
            case .success(.connected):
                startExchange(now: now, using: &generator)
            case .success(.inProgress):
                connectDeadline = min(now + settings.connectTimeout, deadline)
            case .failure(let error):
                abandonAddress(connectFailure(error, candidate), now: now, using: &generator)
            }
        }
    }

    private func connectFailure(_ error: SystemError, _ candidate: SipSocketAddress) -> SipProbeFailure {
        guard error.sipIsConnectionRefused else {
            return .system(operation: "connect to", address: candidate.description, error: error)
        }
        return spec.transport == .udp ? .portUnreachable(address: candidate.description)
                                      : .connectionRefused(address: candidate.description)
    }

    /// This address failed before any final answer: close it and move to the next one, if any.
    private mutating func abandonAddress(_ failure: SipProbeFailure, now: ContinuousClock.Instant,
                                         using generator: inout some RandomNumberGenerator) {
        closeSocket()
        lastFailure = failure
        phase = .connecting
        request = nil
        unsent = []
        firstSentAt = nil
        retransmitAt = nil
        framer = SipStreamFramer()
        schedule = SipRetransmitSchedule(t1: settings.t1, t2: settings.t2)
        openNextAddress(now: now, using: &generator)
    }

    private mutating func startExchange(now: ContinuousClock.Instant, using generator: inout some RandomNumberGenerator) {
        guard let socket, let target, let address else { return }
        let local: SipHostPort
        switch system_sipLocalAddress(socket) {
        case .success(let value): local = value
        case .failure(let error):
            return abandonAddress(.system(operation: "getsockname for", address: address.description, error: error),
                                  now: now, using: &generator)
        }
        cseq += 1
        let built = SipOptionsRequest(target: target, transport: spec.transport, local: local, cseq: cseq,
                                      userAgent: settings.userAgent, using: &generator)
        request = built
        phase = .exchanging
        switch spec.transport {
        case .udp:
            sendDatagram(now: now, using: &generator)
        case .tcp:
            unsent = built.bytes[...]
            firstSentAt = now
            transmissions += 1
            writeStream(now: now, using: &generator)
        }
    }

    /// One copy of the request; the first starts the RTT clock, each one schedules the next (T1 doubling to T2).
    private mutating func sendDatagram(now: ContinuousClock.Instant, using generator: inout some RandomNumberGenerator) {
        guard let socket, let request, let address else { return }
        switch system_sipSend(socket, request.bytes[...]) {
        case .transferred:
            if firstSentAt == nil { firstSentAt = now }
            transmissions += 1
            retransmitAt = now + schedule.nextInterval()
        case .wouldBlock, .endOfStream:
            // The socket buffer is full: not sent, try again shortly without counting it.
            retransmitAt = now + .milliseconds(10)
        case .failed(let error):
            // A datagram refused by an earlier ICMP port unreachable, or no route.
            abandonAddress(connectFailure(error, address), now: now, using: &generator)
        }
    }

    private mutating func writeStream(now: ContinuousClock.Instant, using generator: inout some RandomNumberGenerator) {
        guard let socket, let address else { return }
        while !unsent.isEmpty {
            switch system_sipSend(socket, unsent) {
            case .transferred(let count): unsent = unsent.dropFirst(count)
            case .wouldBlock, .endOfStream: return   // poll asks for POLLOUT while bytes remain
            case .failed(let error):
                return abandonAddress(connectFailure(error, address), now: now, using: &generator)
            }
        }
    }

    // MARK: readiness

    mutating func handle(_ events: SipPollEvents, now: ContinuousClock.Instant,
                         using generator: inout some RandomNumberGenerator) {
        guard let socket, let address else { return }
        switch phase {
        case .connecting where events.writable || events.failed:
            if let error = system_sipPendingError(socket) {
                abandonAddress(connectFailure(error, address), now: now, using: &generator)
            } else {
                startExchange(now: now, using: &generator)
            }
        case .exchanging:
            if events.writable && !unsent.isEmpty { writeStream(now: now, using: &generator) }
            if events.readable || events.failed { read(now: now, using: &generator) }
        default:
            return
        }
    }

    private mutating func read(now: ContinuousClock.Instant, using generator: inout some RandomNumberGenerator) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        // Bounded, so a flood on one socket cannot starve the others of the loop.
        for _ in 0..<64 {
            guard case .exchanging = phase, let socket, let address else { return }
            switch system_sipReceive(socket, into: &buffer) {
            case .wouldBlock:
                return
            case .endOfStream:
                return finish(.closedByPeer(address: address.description))
            case .failed(let error):
                return abandonAddress(connectFailure(error, address), now: now, using: &generator)
            case .transferred(let count):
                if spec.transport == .udp {
                    switch SipResponse.parse(datagram: Array(buffer[0..<count])) {
                    case .success(let response): consider(response, now: now)
                    case .failure(let error): ignore(error.description)
                    }
                } else {
                    framer.append(buffer[0..<count])
                    while case .exchanging = phase, let next = framer.next() {
                        switch next {
                        case .success(let response): consider(response, now: now)
                        case .failure(let error): ignore(error.description)
                        }
                    }
                    if let failure = framer.failure { return finish(.malformed(address: address.description, failure)) }
                }
            }
        }
    }

    private mutating func consider(_ response: SipResponse, now: ContinuousClock.Instant) {
        guard let request else { return }
        let match = request.match(response)
        guard match == .ours else { return ignore("\(response.statusCode) \(response.reason): \(match)") }
        if response.isProvisional {
            provisional = "\(response.statusCode) \(response.reason)"
            schedule.provisionalReceived()
            return
        }
        let rtt = firstSentAt.map { (now - $0).sipMilliseconds }
        finish(SipProbeResult(target: spec.target, transport: spec.transport, outcome: .answered,
                              statusCode: response.statusCode, reason: response.reason, server: response.server,
                              rttMilliseconds: rtt, transmissions: transmissions))
    }

    private mutating func ignore(_ what: String) {
        ignored += 1
        if firstIgnored == nil { firstIgnored = what }
    }

    // MARK: the end

    /// The loop cannot go on (poll itself failed).
    mutating func abort(_ failure: SipProbeFailure) {
        finish(failure)
    }

    private mutating func finish(_ failure: SipProbeFailure) {
        finish(Self.result(spec, transmissions: transmissions, failing: failure))
    }

    private mutating func finish(_ result: SipProbeResult) {
        closeSocket()
        phase = .finished(result)
    }

    private static func result(_ spec: SipProbeTarget, transmissions: Int, failing failure: SipProbeFailure)
        -> SipProbeResult
    {
        let outcome: SipProbeResult.Outcome
        switch failure {
        case .noFinalResponse, .connectTimedOut: outcome = .timeout
        default: outcome = .error
        }
        return SipProbeResult(target: spec.target, transport: spec.transport, outcome: outcome,
                              transmissions: transmissions, error: failure.description)
    }

    private mutating func closeSocket() {
        if let socket { system_close(socket) }
        socket = nil
    }
}
