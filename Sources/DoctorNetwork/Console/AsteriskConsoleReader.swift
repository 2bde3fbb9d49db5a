import DoctorCore
import DoctorSystem

/// One look at Asterisk through its control socket: the read commands of AsteriskConsoleReading, each on its own
/// connection, then the details they call for, all within one overall deadline. It never throws: a socket that
/// cannot be reached is the observation's session failure; a command that fails is that read's failure.
public struct AsteriskConsoleReader: Sendable {
    public var client: AsteriskConsoleClient
    public var overall: Duration
    public var gatewayEndpoints: [String]

    public init(client: AsteriskConsoleClient, overall: Duration = .seconds(20), gatewayEndpoints: [String] = []) {
        self.client = client; self.overall = overall; self.gatewayEndpoints = gatewayEndpoints
    }

    public func read() -> AsteriskObservation {
        let deadline = ContinuousClock.now + overall
        var transcript = AsteriskConsoleTranscript()
        var banner: AsteriskConsoleBanner?
        /// Once the socket stops answering, the remaining commands are not sent.
        var lost: AsteriskConsoleError?

        func run(_ command: String) {
            let action = AsteriskConsoleReading.action(for: command)
            if let lost {
                transcript[command] = .failed(AMIFailure(kind: lost.failure(action: nil).kind, action: action,
                                                         message: "not asked: \(lost.description)"))
                return
            }
            guard deadline > .now else {
                transcript[command] = .failed(AMIFailure(kind: .timeout, action: action,
                                                         message: "not asked: the overall deadline of \(overall.shortDescription) had passed"))
                return
            }
            do {
                let reply = try client.run(command, deadline: deadline)
                banner = banner ?? reply.banner
                let text = AsteriskConsoleProtocol.text(reply.output)
                transcript[command] = .ok(text.text)
                transcript.answeredAt[command] = system_wallClockSeconds()
            } catch {
                switch error {
                case .socketMissing, .notASocket, .notPermitted, .connect, .closedBeforeBanner, .notAsterisk: lost = error
                default: break
                }
                transcript[command] = .failed(error.failure(action: action))
            }
        }

        for command in AsteriskConsoleReading.firstCommands {
            run(command)
            if command == AsteriskConsoleReading.firstCommands[0], banner == nil, let lost {
                // Nothing answered at all: the whole look failed, as an AMI connection that fails.
                return AsteriskConsoleReading.observation(target: client.socketPath, banner: nil, transcript: transcript,
                                                          gatewayEndpoints: gatewayEndpoints, sessionFailure: lost.failure(action: nil))
            }
        }
        for _ in 0..<3 {
            let more = AsteriskConsoleReading.detailCommands(transcript, gatewayEndpoints: gatewayEndpoints)
            if more.isEmpty { break }
            more.forEach(run)
        }
        return AsteriskConsoleReading.observation(target: client.socketPath, banner: banner, transcript: transcript,
                                                  gatewayEndpoints: gatewayEndpoints)
    }
}
