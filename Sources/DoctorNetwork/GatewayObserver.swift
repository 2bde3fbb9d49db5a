import Dispatch
import DoctorCore
import DoctorSystem
import Synchronization

/// Observes every gateway of the gateway list: SIP OPTIONS to all of them at once (one slow gateway never delays
/// the others), then each one's vendor status page.
public struct GatewayObserver: Sendable {
    public var gateways: [GatewaySettings]
    public var userAgent: String
    public var deadline: Duration
    /// The agent's memory of each gateway's web session and last status read; nil (check, verify) reads every page
    /// once, now.
    public var poller: GatewayWebPoller?

    public init(gateways: [GatewaySettings], userAgent: String, deadline: Duration = .seconds(4),
                poller: GatewayWebPoller? = nil) {
        self.gateways = gateways; self.userAgent = userAgent; self.deadline = deadline; self.poller = poller
    }

    /// `readStatusNow` reads every status page even when the poller's last reading is fresh (Asterisk saw a contact
    /// change).
    public func observe(readStatusNow: Bool = false) -> [GatewayObservation] {
        guard !gateways.isEmpty else { return [] }
        let targets = gateways.map { gateway in
            SipProbeTarget("\(Self.bracketed(gateway.address)):\(gateway.sipPort)", transport: gateway.transport == .tcp ? .tcp : .udp)
        }
        let prober = SipOptionsProber(settings: SipProbeSettings(deadline: deadline, userAgent: userAgent))
        let results = prober.probe(targets)
        let statuses = readStatusPages(options: results, now: readStatusNow)
        return gateways.indices.map { index in
            let gateway = gateways[index]
            return GatewayObservation(name: gateway.name, address: gateway.address, profile: gateway.profile, endpoint: gateway.endpoint,
                                      options: results[index], status: statuses[index],
                                      webSecurity: statuses[index] == nil ? nil : gateway.webTLS?.security)
        }
    }

    /// Every gateway's web status page, in parallel (each read has its own deadline, so a dead web interface only
    /// costs its own timeout). Profile "none" has no page and is not asked.
    func readStatusPages(options: [SipProbeResult] = [], now readNow: Bool = false) -> [Int: GatewayStatusResult] {
        let results = Mutex<[Int: GatewayStatusResult]>([:])
        let gateways = self.gateways
        let poller = self.poller
        DispatchQueue.concurrentPerform(iterations: gateways.count) { index in
            let gateway = gateways[index]
            guard GatewayStatusAdapters.adapter(forProfile: gateway.profile)?.profile != "none" else { return }
            let optionsOutcome = options.indices.contains(index) ? options[index].outcome : nil
            // The agent reads a page on its own interval, or at once when OPTIONS changes; in between it reports the
            // last reading.
            if let poller, let kept = poller.keptResult(for: gateway, options: optionsOutcome, readNow: readNow) {
                results.withLock { $0[index] = kept }
                return
            }
            let interval = gateway.statusInterval ?? GatewaySettings.defaultStatusInterval
            let reader = GatewayStatusReader(host: gateway.address, port: gateway.webPort, tls: gateway.webTLS,
                                             lockoutHoldSeconds: interval)
            // The credentials file passes the same rules as the AMI's (0600, owner) before it is used.
            var credentials: GatewayStatusReader.Credentials = .none
            if let path = gateway.credentialsFile {
                let text: String
                do throws(AMICredentialError) {
                    text = try AMICredentialLoader.readPrivateFile(path)
                } catch {
                    results.withLock { $0[index] = .failed(GatewayStatusFailure(kind: .authentication, message: error.description)) }
                    return
                }
                switch GatewayCredentials.parse(file: text) {
                case .success(let value): credentials = .value(value)
                case .failure(let error):
                    results.withLock { $0[index] = .failed(GatewayStatusFailure(kind: .authentication, message: "\(path): \(error)")) }
                    return
                }
            }
            let result: GatewayStatusResult
            if let poller {
                var session = poller.takeSession(gateway.name)
                result = reader.read(profile: gateway.profile, credentials: credentials, session: &session)
                poller.store(gateway.name, session: session, result: result, options: optionsOutcome)
            } else {
                result = reader.read(profile: gateway.profile, credentials: credentials)
            }
            results.withLock { $0[index] = result }
        }
        return results.withLock { $0 }
    }

    /// An IPv6 literal needs brackets before ":port".
    static func bracketed(_ address: String) -> String {
        address.contains(":") && !address.hasPrefix("[") ? "[\(address)]" : address
    }
}

/// The agent's gentle polling of gateway web pages. A web login per gateway every 30 s wore out a real ATA (one
/// leaked memory and failed after about 10,000 logins), so each page is read every `status_interval` (default
/// 300 s), at once when its SIP OPTIONS outcome changes, and through the session kept from the last read (no new
/// login while it is valid). A lock-out stops logins until it ends (the reader keeps it in the session).
public final class GatewayWebPoller: Sendable {
    struct Entry: Sendable {
        var session = GatewayWebSession()
        var lastRead: Double?
        var result: GatewayStatusResult?
        var options: SipProbeResult.Outcome?
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let clock: @Sendable () -> Double

    public init() { clock = { system_monotonicSeconds() } }

    init(clock: @escaping @Sendable () -> Double) { self.clock = clock }

    /// Even a contact change does not read a page again sooner than this after the last read: a flapping contact
    /// must not turn into a login storm.
    static let minimumGapSeconds: Double = 15

    /// The last reading when it is still fresh and OPTIONS did not change; nil when the page is to be read now.
    /// `readNow` (Asterisk saw a contact change) shortens the interval to `minimumGapSeconds`.
    func keptResult(for gateway: GatewaySettings, options: SipProbeResult.Outcome?, readNow: Bool = false)
        -> GatewayStatusResult? {
        let interval = readNow ? Self.minimumGapSeconds : gateway.statusInterval ?? GatewaySettings.defaultStatusInterval
        let now = clock()
        return entries.withLock { entries in
            guard let entry = entries[gateway.name], let lastRead = entry.lastRead, let result = entry.result,
                  now - lastRead < interval, entry.options == options else { return nil }
            return result
        }
    }

    func takeSession(_ name: String) -> GatewayWebSession {
        entries.withLock { $0[name]?.session ?? GatewayWebSession() }
    }

    func store(_ name: String, session: GatewayWebSession, result: GatewayStatusResult, options: SipProbeResult.Outcome?) {
        let now = clock()
        entries.withLock { entries in
            entries[name] = Entry(session: session, lastRead: now, result: result, options: options)
        }
    }

    /// Form logins sent to a gateway so far.
    public func logins(_ name: String) -> Int { entries.withLock { $0[name]?.session.logins ?? 0 } }
}
