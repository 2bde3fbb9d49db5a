import CDahdi
import DoctorCore
import DoctorSystem

/// /dev/dahdi/ctl opened read-only. Issues only DAHDI_GETVERSION, DAHDI_SPANSTAT and DAHDI_GET_PARAMS (the shim
/// exposes nothing else); never opens a channel, which would be exclusive and would fight Asterisk.
public final class LinuxDahdiControl: DahdiControl, @unchecked Sendable {
    // @unchecked: the descriptor is immutable after init and the ioctls are safe to issue concurrently.
    public let path: String
    private let fd: CInt

    /// Opens `<devfsRoot>/dahdi/ctl`. Failures say whether it is missing, forbidden or broken.
    public static func open(devfsRoot: String) -> Result<any DahdiControl, ControlDeviceOpenError> {
        let path = joinPath(devfsRoot, "dahdi/ctl")
        switch system_openReadOnly(path) {
        case .success(let fd):
            return .success(LinuxDahdiControl(path: path, fd: fd))
        case .failure(let error):
            if error.isPermissionDenied { return .failure(ControlDeviceOpenError(.permissionDenied(path: path, error: error))) }
            if error.code == 2 { return .failure(ControlDeviceOpenError(.missing(path: path))) }
            return .failure(ControlDeviceOpenError(.failed(path: path, error: error)))
        }
    }

    private init(path: String, fd: CInt) {
        self.path = path
        self.fd = fd
    }

    deinit { system_close(fd) }

    public func version() throws(SystemError) -> DriverVersion {
        var info = dahdi_versioninfo()
        try system_getVersion(fd, &info).get()
        return DriverVersion(info)
    }

    public func spanStatus(_ span: Int) throws(SystemError) -> SpanStatus {
        var info = dahdi_spaninfo()
        info.spanno = CInt(span)
        try system_spanStat(fd, &info).get()
        return SpanStatus(info)
    }

    public func channelParams(_ channels: Range<Int>, appendingTo readings: inout [ChannelParams]) -> (channel: Int, error: SystemError)? {
        for channel in channels {
            var params = dahdi_params()
            params.channo = CInt(channel)
            if case .failure(let error) = system_getParams(fd, &params) { return (channel, error) }
            readings.append(ChannelParams(params))
        }
        return nil
    }

    public func channelParams(_ channel: Int) throws(SystemError) -> ChannelParams {
        var params = dahdi_params()
        params.channo = CInt(channel)
        try system_getParams(fd, &params).get()
        return ChannelParams(params)
    }
}

func joinPath(_ root: String, _ relative: String) -> String {
    root.hasSuffix("/") ? root + relative : root + "/" + relative
}
