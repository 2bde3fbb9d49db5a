@testable import DoctorCore

/// CRLF-terminated lines, as they travel: tests write messages one line per element.
func sipWire(_ lines: [String], body: String = "") -> [UInt8] {
    Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
}
