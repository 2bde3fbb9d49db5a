import ArgumentParser
import DoctorCore
import DoctorKernel
import DoctorNetwork
import DoctorSystem

/// Asterisk's control socket (asterisk.ctl), for root on the box when no AMI credentials are set up: the same reads
/// over the CLI, as `asterisk -rx` makes them. AMI stays the way for the agent and for everyone else.
struct ConsoleOptions: ParsableArguments {
    @Option(name: .customLong("asterisk-socket"),
            help: "Asterisk's control socket (default: astrundir/astctl from asterisk.conf under --etc-root, else /var/run/asterisk/asterisk.ctl).")
    var socket: String?

    @Flag(name: .customLong("no-console"), help: "Never read Asterisk through its control socket (only AMI).")
    var noConsole = false

    /// The socket path this run would use.
    func socketPath(etcRoot: String) -> String {
        if let socket { return socket }
        let directory = etcRoot.hasSuffix("/") ? etcRoot + "asterisk" : etcRoot + "/asterisk"
        return AsteriskConsoleSocket.path(source: AsteriskConfigSource(
            configDirectory: directory, read: { system_readSmallFile($0, limit: 1 << 20) }, expandGlob: { system_glob($0) }))
    }

    /// A reader when the console is the way: not turned off, root (or a socket named on the command line), and the
    /// socket is there and may be connected to. Nil otherwise (then Asterisk is "not asked", as before).
    func reader(etcRoot: String, settings: AMISettings, gatewayEndpoints: [String]) -> AsteriskConsoleReader? {
        guard !noConsole, socket != nil || system_effectiveUserID() == 0 else { return nil }
        let path = socketPath(etcRoot: etcRoot)
        guard AsteriskConsoleClient.usable(path) else { return nil }
        let seconds = Duration.seconds(settings.timeout)
        return AsteriskConsoleReader(client: AsteriskConsoleClient(socketPath: path, timeouts: AMITimeouts(connect: .seconds(3), request: seconds)),
                                     overall: seconds * 4 + .seconds(Double(gatewayEndpoints.count)), gatewayEndpoints: gatewayEndpoints)
    }
}
