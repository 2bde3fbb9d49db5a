import DoctorCore
import DoctorSystem

/// One HTTP connection, plain or TLS: the TCP stream and, for HTTPS, the shared `TLSEngine` whose bytes go through
/// the stream's deadline-bounded send and receive. A refused certificate or pin is `HTTPClientError.tls`.
struct HTTPChannel {
    let stream: TCPStream
    private let engine: TLSEngine?
    /// Plaintext OpenSSL decrypted beyond what the last receive could take.
    private var pending: [UInt8] = []

    init(stream: TCPStream, tls: TLSPolicy?, host: String, deadline: Deadline) throws(HTTPClientError) {
        self.stream = stream
        guard let tls else { engine = nil; return }
        let engine: TLSEngine
        do throws(TLSSetupError) {
            engine = try TLSEngine(host: host, policy: tls)
        } catch {
            throw .tls(error.description)
        }
        self.engine = engine
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let step = engine.handshake()
            let out = engine.drainOutgoing()
            if !out.isEmpty { try stream.sendAll(out, deadline: deadline) }
            switch step {
            case .done: return
            case .failed(let why): throw .tls(why)
            case .wantRead:
                let count = try stream.receive(into: &scratch, deadline: deadline, receivedSoFar: 0)
                guard count > 0 else { throw .tls("the gateway closed the connection during the TLS handshake (not an HTTPS port?)") }
                guard engine.feed(Array(scratch[0..<count])) else { throw .tls("cannot buffer the gateway's TLS bytes") }
            }
        }
    }

    func send(_ bytes: [UInt8], deadline: Deadline) throws(HTTPClientError) {
        guard let engine else { return try stream.sendAll(bytes, deadline: deadline) }
        guard engine.write(bytes) else { throw .tls("TLS write failed: \(TLSEngine.errorQueueText())") }
        try stream.sendAll(engine.drainOutgoing(), deadline: deadline)
    }

    /// Like `TCPStream.receive`: the count put at the start of `buffer`, 0 at the end of the stream.
    mutating func receive(into buffer: inout [UInt8], deadline: Deadline, receivedSoFar: Int) throws(HTTPClientError) -> Int {
        guard let engine else { return try stream.receive(into: &buffer, deadline: deadline, receivedSoFar: receivedSoFar) }
        while pending.isEmpty {
            switch engine.read() {
            case .data(let bytes): pending = bytes
            case .closed: return 0
            case .failed(let why): throw .tls("TLS read failed: \(why)")
            case .wantRead:
                let out = engine.drainOutgoing()
                if !out.isEmpty { try stream.sendAll(out, deadline: deadline) }
                var raw = [UInt8](repeating: 0, count: 16 * 1024)
                let count = try stream.receive(into: &raw, deadline: deadline, receivedSoFar: receivedSoFar)
                // A TCP close without close_notify after `Connection: close`: the end of the answer, as in plain HTTP
                // (the HTTP parser still notices a body cut short by its length).
                if count == 0 { return 0 }
                guard engine.feed(Array(raw[0..<count])) else { throw .tls("cannot buffer the gateway's TLS bytes") }
            }
        }
        let count = min(pending.count, buffer.count)
        buffer.replaceSubrange(0..<count, with: pending[0..<count])
        pending.removeFirst(count)
        return count
    }

    func close() {
        if let engine, engine.handshakeFinished {
            engine.shutdown()
            let out = engine.drainOutgoing()
            if !out.isEmpty { try? stream.sendAll(out, deadline: Deadline(secondsFromNow: 0.1)) }
        }
        stream.close()
    }
}
