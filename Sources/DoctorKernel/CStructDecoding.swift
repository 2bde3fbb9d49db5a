// Decoding DAHDI's C structs into DoctorCore values happens here and nowhere else.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDahdi
import DoctorCore
import DoctorSystem

/// A NUL-terminated C char array (imported as a tuple) as a String; invalid UTF-8 is repaired, not trusted.
func string<T>(fromCCharTuple tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        // memchr, then String's fast UTF-8 path on a contiguous buffer (a Slice of raw bytes is decoded byte by
        // byte): every channel's name is decoded on every read.
        guard let base = raw.baseAddress else { return "" }
        let length = memchr(base, 0, raw.count).map { base.distance(to: UnsafeRawPointer($0)) } ?? raw.count
        return String(decoding: UnsafeRawBufferPointer(start: base, count: length).assumingMemoryBound(to: UInt8.self),
                      as: UTF8.self)
    }
}

extension DriverVersion {
    init(_ c: dahdi_versioninfo) {
        self.init(version: string(fromCCharTuple: c.version), echoCancellerList: string(fromCCharTuple: c.echo_canceller))
    }
}

extension SpanStatus {
    init(_ c: dahdi_spaninfo) {
        self.init(
            number: Int(c.spanno), name: string(fromCCharTuple: c.name), description: string(fromCCharTuple: c.desc),
            alarms: SpanAlarms(rawValue: UInt32(bitPattern: c.alarms)), txLevel: c.txlevel, rxLevel: c.rxlevel,
            counters: SpanCounters(
                bipolarViolations: UInt32(bitPattern: c.bpvcount), crc4Errors: UInt32(bitPattern: c.crc4count),
                eBitErrors: UInt32(bitPattern: c.ebitcount), framingAlignmentErrors: UInt32(bitPattern: c.fascount),
                framingErrors: SpanCounters.supported(c.fecount), codingViolations: SpanCounters.supported(c.cvcount),
                bitErrors: SpanCounters.supported(c.becount), prbs: SpanCounters.supported(c.prbs),
                erroredSeconds: SpanCounters.supported(c.errsec)),
            irqMisses: c.irqmisses, syncSource: c.syncsrc, configuredChannels: c.numchans,
            totalChannels: c.totalchans, totalSpans: c.totalspans, lbo: c.lbo,
            lineConfig: LineConfig(rawValue: UInt32(bitPattern: c.lineconfig)),
            lboName: string(fromCCharTuple: c.lboname), location: string(fromCCharTuple: c.location),
            manufacturer: string(fromCCharTuple: c.manufacturer), deviceType: string(fromCCharTuple: c.devicetype),
            lineCompat: LineConfig(rawValue: UInt32(bitPattern: c.linecompat)),
            spanType: string(fromCCharTuple: c.spantype))
    }
}

extension ChannelParams {
    init(_ c: dahdi_params) {
        self.init(
            channel: Int(c.channo), span: Int(c.spanno), position: Int(c.chanpos),
            signalling: Signalling(rawValue: UInt32(bitPattern: c.sigtype)),
            capabilities: UInt32(bitPattern: c.sigcap), rxIsOffHook: c.rxisoffhook != 0, rxBits: c.rxbits,
            txBits: c.txbits, txHookSignal: c.txhooksig, rxHookSignal: c.rxhooksig, law: c.curlaw,
            idleBits: c.idlebits, name: string(fromCCharTuple: c.name), alarms: SpanAlarms(rawValue: c.chan_alarms))
    }
}
