/// The three read-only DAHDI requests, on /dev/dahdi/ctl with the span or channel number in the struct.
/// `LinuxDahdiControl` is the real one; tests use fakes. Errors carry errno (EINVAL = no such span/channel).
public protocol DahdiControl: Sendable {
    /// Where the device is (for evidence), e.g. `/dev/dahdi/ctl`.
    var path: String { get }
    func version() throws(SystemError) -> DriverVersion
    func spanStatus(_ span: Int) throws(SystemError) -> SpanStatus
    func channelParams(_ channel: Int) throws(SystemError) -> ChannelParams
    /// DAHDI_GET_PARAMS for `channels` in order, each reading appended to `readings`, up to the first failure,
    /// which is returned with its channel (nil when every channel was read). The default issues `channelParams(_:)`
    /// one by one; `LinuxDahdiControl` does the same in one tight loop (no existential call and no Result per
    /// channel), which is what the collector's walk costs over the C floor.
    func channelParams(_ channels: Range<Int>, appendingTo readings: inout [ChannelParams]) -> (channel: Int, error: SystemError)?
}

extension DahdiControl {
    public func channelParams(_ channels: Range<Int>, appendingTo readings: inout [ChannelParams]) -> (channel: Int, error: SystemError)? {
        for channel in channels {
            do { readings.append(try channelParams(channel)) } catch { return (channel, error) }
        }
        return nil
    }
}

/// Reads every span and channel through a `DahdiControl`, the way dahdi_scan walks them, and gathers the other
/// sources' snapshots into `DahdiReadings`. Pure: all I/O is in the arguments.
public struct DahdiCollector: Sendable {
    /// DAHDI_MAX_SPANS is 128; span numbers are 1...127.
    public static let maxSpan = 127
    /// DAHDI_MAX_CHANNELS.
    public static let maxChannel = 1023

    public var checkMultiframeAlignment: Bool

    public init(checkMultiframeAlignment: Bool = true) {
        self.checkMultiframeAlignment = checkMultiframeAlignment
    }

    /// - Parameters:
    ///   - control: the opened control device, or how opening it failed.
    ///   - pause: waits one second; used only when a CRC4 span shows framing errors (dahdi_scan's LMFA test).
    public func collect(control: Result<any DahdiControl, ControlDeviceOpenError>, sysfs: SysfsSnapshot?,
                        proc: (spans: [ProcSpan], available: Bool, issues: [ParseIssue]),
                        pause: () -> Void) -> DahdiReadings {
        var readings = DahdiReadings(control: .missing(path: ""), sysfs: sysfs, proc: proc.spans,
                                     procAvailable: proc.available, parseIssues: proc.issues)
        let device: any DahdiControl
        switch control {
        case .failure(let failure):
            readings.control = failure.access
            return readings
        case .success(let opened):
            device = opened
        }
        readings.control = .opened(path: device.path)

        do { readings.version = try device.version() } catch {
            readings.failures.append(ReadFailure(source: "ioctl", what: "DAHDI_GETVERSION", error: error))
        }

        // Walk span numbers like dahdi_scan; stop early once every span the kernel counts has been seen.
        var expected: Int?
        for number in 1...Self.maxSpan {
            if let expected, readings.spans.count >= expected { break }
            do {
                let status = try device.spanStatus(number)
                expected = Int(status.totalSpans)
                readings.spans.append(status)
            } catch {
                if !error.isInvalidArgument {
                    readings.failures.append(ReadFailure(source: "ioctl", what: "DAHDI_SPANSTAT span \(number)", error: error))
                    if error.endsTheWalk { break }   // driver gone mid-scan, or not a DAHDI device: stop
                }
            }
        }

        // Channels: sysfs basechan when present, else a running sum of totalchans (dahdi_scan's fallback).
        let sysBase = Dictionary(sysfs?.spans.compactMap { s in s.baseChannel.map { (s.number, $0) } } ?? [],
                                 uniquingKeysWith: { a, _ in a })
        var runningBase = 1
        readings.channels.reserveCapacity(readings.spans.reduce(0) { $0 + max(0, Int($1.totalChannels)) })
        spanLoop: for status in readings.spans {
            let base = sysBase[status.number] ?? runningBase
            runningBase = base + Int(status.totalChannels)
            guard status.totalChannels > 0 else { continue }
            let end = min(base + Int(status.totalChannels), Self.maxChannel + 1)
            var next = base
            while next < end {
                guard let (channel, error) = device.channelParams(next..<end, appendingTo: &readings.channels) else { break }
                if !error.isInvalidArgument {
                    readings.failures.append(ReadFailure(source: "ioctl", what: "DAHDI_GET_PARAMS channel \(channel)",
                                                         error: error))
                    if error.endsTheWalk { break spanLoop }
                }
                next = channel + 1
            }
        }

        // dahdi_scan's LMFA heuristic: a CRC4 span with no alarm whose framing-error count keeps rising.
        if checkMultiframeAlignment {
            let suspects = readings.spans.filter {
                $0.alarms.isEmpty && $0.lineConfig.contains(.crc4) && ($0.counters.framingErrors ?? 0) > 0
            }
            if !suspects.isEmpty {
                pause()
                for before in suspects {
                    if let after = try? device.spanStatus(before.number), after.alarms.isEmpty,
                       (after.counters.framingErrors ?? 0) > (before.counters.framingErrors ?? 0) {
                        readings.multiframeErrorsRising.insert(before.number)
                    }
                }
            }
        }
        return readings
    }
}

/// Why the control device could not be opened (carried into `DahdiReadings.control`).
public struct ControlDeviceOpenError: Error, Sendable {
    public var access: ControlDeviceAccess
    public init(_ access: ControlDeviceAccess) { self.access = access }
}
