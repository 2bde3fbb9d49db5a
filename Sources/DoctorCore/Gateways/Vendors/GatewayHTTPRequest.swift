#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One HTTP request a status adapter asks for. It may carry credentials (a login form, or Cisco SPA's status.xml
/// query), so it prints as `METHOD recordedPath` and its body never prints at all.
public struct GatewayHTTPRequest: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    public enum Method: String, Sendable, Hashable { case get = "GET", post = "POST" }

    public var method: Method
    /// The request target exactly as it goes on the wire. It may hold credentials: record `recordedPath` instead.
    public let wireTarget: String
    var form: [GatewayFormField]
    /// Answer a 401 with Basic or Digest from the credentials (the Sipura-lineage `/admin` pages).
    public var answersAuthenticationChallenge: Bool

    init(_ method: Method, _ wireTarget: String, form: [GatewayFormField] = [], answersAuthenticationChallenge: Bool = false) {
        self.method = method; self.wireTarget = wireTarget; self.form = form
        self.answersAuthenticationChallenge = answersAuthenticationChallenge
    }

    /// The target with every credential-like query value replaced by `<redacted>`: the only form to record.
    public var recordedPath: String { GatewayPathRedaction.redact(wireTarget) }

    public var description: String { "\(method.rawValue) \(recordedPath)" }
    /// `dump()` and debuggers see the recorded path and the field names only.
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method.rawValue, "recordedPath": recordedPath, "formFieldNames": formFieldNames])
    }

    /// `application/x-www-form-urlencoded` for a POST with fields, nil otherwise.
    public var contentType: String? { method == .post ? "application/x-www-form-urlencoded" : nil }

    /// The body bytes (form fields, URL-encoded). Write them to the socket, never to a log.
    public func encodedBody() -> [UInt8] {
        Array(form.map { FormURLEncoding.encode($0.name) + "=" + FormURLEncoding.encode($0.value) }
            .joined(separator: "&").utf8)
    }

    /// The field names, in order, for tests and traces: values are not shown.
    public var formFieldNames: [String] { form.map(\.name) }
}

/// A form field; a secret one (a password) is never shown.
struct GatewayFormField: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    var name: String
    var value: String
    var isSecret: Bool

    init(_ name: String, _ value: String, secret: Bool = false) {
        self.name = name; self.value = value; self.isSecret = secret
    }

    var description: String { "\(name)=\(shownValue)" }
    var customMirror: Mirror { Mirror(self, children: ["name": name, "value": shownValue]) }
    private var shownValue: String { isSecret ? SecretValue.redacted : value }
}

/// What the gateway answered to one request: the page an adapter parses.
public struct GatewayPage: Sendable, Hashable {
    /// The path as recorded (credentials redacted).
    public var path: String
    public var statusCode: Int
    public var contentType: String?
    public var body: String
    /// The bytes received. The body is decoded as UTF-8 with U+FFFD for what is not (a Latin-1 0xA9 becomes three
    /// bytes), so sizes are reported from this count, not from the decoded text.
    public var byteCount: Int

    public init(path: String, statusCode: Int = 200, contentType: String? = nil, body: String, byteCount: Int? = nil) {
        self.path = GatewayPathRedaction.redact(path); self.statusCode = statusCode
        self.contentType = contentType; self.body = body; self.byteCount = byteCount ?? body.utf8.count
    }

    /// A page from the bytes received.
    public init(path: String, statusCode: Int = 200, contentType: String? = nil, bytes: [UInt8]) {
        self.init(path: path, statusCode: statusCode, contentType: contentType,
                  body: String(decoding: bytes, as: UTF8.self), byteCount: bytes.count)
    }
}

/// `application/x-www-form-urlencoded` (WHATWG URL §5.2): unreserved bytes stay, space is `+`, the rest `%XX`.
enum FormURLEncoding {
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "): out += "+"
            default: out += "%" + hexByte(byte)
            }
        }
        return out
    }

    /// Percent-encoding for a value placed in a path (Cisco's `&xpassword=`): `+` would not mean space there.
    static func encodeForPath(_ text: String) -> String {
        encode(text).replacing("+", with: "%20")
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

/// Removes credentials from a request target before it is recorded anywhere (results, errors, traces).
/// Cisco SPA takes `&xuser=...&xpassword=...` in the path itself, and session tokens are credentials too.
public enum GatewayPathRedaction {
    static let secretNames: Set<String> = [
        "xuser", "xpassword", "user", "username", "password", "passwd", "pwd", "pass", "p2",
        "session_token", "session_id", "session_key", "sid", "token",
    ]

    public static func redact(_ target: String) -> String {
        var out = ""
        var segment = ""
        func flush() {
            if let equals = segment.firstIndex(of: "="), secretNames.contains(segment[..<equals].lowercased()) {
                out += segment[...equals] + SecretValue.redacted
            } else {
                out += segment
            }
            segment = ""
        }
        for character in target {
            if character == "?" || character == "&" || character == ";" || character == "#" {
                flush()
                out.append(character)
            } else {
                segment.append(character)
            }
        }
        flush()
        return out
    }
}

extension GatewayHTTPRequest {
    /// A plain GET without credentials (a login page read for its hidden fields).
    public static func get(_ path: String) -> GatewayHTTPRequest { GatewayHTTPRequest(.get, path) }
}
