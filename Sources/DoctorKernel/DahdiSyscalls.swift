// The DAHDI control device: open read-only and the three permitted ioctls, through the CDahdi shim. Nothing else
// here: the read-only rule is kept by having no other ioctl wrapper at all.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDahdi
import DoctorCore
import DoctorSystem

func system_openReadOnly(_ path: String) -> Result<CInt, SystemError> {
    valueOrErrno { CDahdi_open_readonly(path) }
}

func system_getVersion(_ fd: CInt, _ info: inout dahdi_versioninfo) -> Result<Void, SystemError> {
    valueOrErrno { CDahdi_getversion(fd, &info) }.map { _ in () }
}

func system_spanStat(_ fd: CInt, _ info: inout dahdi_spaninfo) -> Result<Void, SystemError> {
    valueOrErrno { CDahdi_spanstat(fd, &info) }.map { _ in () }
}

func system_getParams(_ fd: CInt, _ params: inout dahdi_params) -> Result<Void, SystemError> {
    valueOrErrno { CDahdi_get_params(fd, &params) }.map { _ in () }
}
