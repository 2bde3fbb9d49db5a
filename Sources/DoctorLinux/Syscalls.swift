// The only file that calls libc or the CDahdi shim: open/read/close/readlink/opendir and the three DAHDI ioctls.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Unsupported Platform")
#endif
import CDahdi
import DoctorCore

/// Runs a -1/errno call, retrying on EINTR, and turns a failure into a `SystemError`.
@inline(__always)
func valueOrErrno(_ call: () -> CInt) -> Result<CInt, SystemError> {
    while true {
        let value = call()
        if value != -1 { return .success(value) }
        let code = errno
        if code == EINTR { continue }
        return .failure(SystemError(errno: code))
    }
}

extension SystemError {
    init(errno code: CInt) {
        self.init(code: code, name: errnoName(code), message: String(cString: strerror(code)))
    }
}

private func errnoName(_ code: CInt) -> String {
    switch code {
    case EPERM: return "EPERM"
    case ENOENT: return "ENOENT"
    case EIO: return "EIO"
    case ENXIO: return "ENXIO"
    case EBADF: return "EBADF"
    case EAGAIN: return "EAGAIN"
    case ENOMEM: return "ENOMEM"
    case EACCES: return "EACCES"
    case EBUSY: return "EBUSY"
    case ENODEV: return "ENODEV"
    case ENOTDIR: return "ENOTDIR"
    case EISDIR: return "EISDIR"
    case EINVAL: return "EINVAL"
    case ENOTTY: return "ENOTTY"
    case ENOSYS: return "ENOSYS"
    case ELOOP: return "ELOOP"
    case ENAMETOOLONG: return "ENAMETOOLONG"
    default: return "errno \(code)"
    }
}

func system_openReadOnly(_ path: String) -> Result<CInt, SystemError> {
    valueOrErrno { CDahdi_open_readonly(path) }
}

func system_close(_ fd: CInt) { _ = close(fd) }

func system_getVersion(_ fd: CInt, _ info: inout dahdi_versioninfo) -> Result<Void, SystemError> {
    valueOrErrno { CDahdi_getversion(fd, &info) }.map { _ in () }
}

func system_spanStat(_ fd: CInt, _ info: inout dahdi_spaninfo) -> Result<Void, SystemError> {
    valueOrErrno { CDahdi_spanstat(fd, &info) }.map { _ in () }
}

func system_getParams(_ fd: CInt, _ params: inout dahdi_params) -> Result<Void, SystemError> {
    valueOrErrno { CDahdi_get_params(fd, &params) }.map { _ in () }
}

/// Reads a small file with bounded reads (sysfs/procfs attributes): at most `limit` bytes, never polls forever.
func system_readSmallFile(_ path: String, limit: Int = 64 * 1024) -> Result<String, SystemError> {
    let fd: CInt
    switch valueOrErrno({ open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }) {
    case .success(let value): fd = value
    case .failure(let error): return .failure(error)
    }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < limit {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            let code = errno
            if code == EINTR { continue }
            return .failure(SystemError(errno: code))
        }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    return .success(String(decoding: bytes, as: UTF8.self))
}

/// Names in a directory (without . and ..), or the error.
func system_listDirectory(_ path: String) -> Result<[String], SystemError> {
    guard let dir = opendir(path) else { return .failure(SystemError(errno: errno)) }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return .success(names.sorted())
}

func system_exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}

func system_isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
}

func system_readLink(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func system_sleepOneSecond() { sleep(1) }

func system_wallClockSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func system_sleep(seconds: Double) {
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}

/// Writes a whole file (created 0644, truncated), retrying short writes.
func system_writeFile(_ path: String, _ text: String) -> Result<Void, SystemError> {
    let fd: CInt
    switch valueOrErrno({ open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }) {
    case .success(let value): fd = value
    case .failure(let error): return .failure(error)
    }
    defer { close(fd) }
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return .failure(SystemError(errno: errno))
        }
        bytes = bytes.dropFirst(written)
    }
    return .success(())
}

func system_stdoutIsTerminal() -> Bool { isatty(1) == 1 }

func system_envSet(_ name: String) -> Bool { getenv(name) != nil }

func system_env(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

/// Paths matching a shell pattern, sorted (glob(3) with GLOB_NOMAGIC|GLOB_BRACE, as Asterisk's #include uses).
func system_glob(_ pattern: String) -> [String] {
    var result = glob_t()
    defer { globfree(&result) }
    guard glob(pattern, GLOB_NOMAGIC | GLOB_BRACE, nil, &result) == 0 else { return [] }
    return (0..<Int(result.gl_pathc)).compactMap { index in result.gl_pathv[index].map { String(cString: $0) } }
}
