/// An answer from the agent: always complete, always `Connection: close` (one document per connection).
public struct AgentHTTPResponse: Sendable, Hashable {
    public var status: Int
    public var contentType: String
    public var body: String
    public var extraHeaders: [String] = []

    public init(status: Int, contentType: String = "application/json", body: String, extraHeaders: [String] = []) {
        self.status = status; self.contentType = contentType; self.body = body; self.extraHeaders = extraHeaders
    }

    public static func error(_ status: Int, _ message: String, extraHeaders: [String] = []) -> AgentHTTPResponse {
        let escaped = message.replacingBackslashesAndQuotes()
        return AgentHTTPResponse(status: status, body: "{\"error\": \"\(escaped)\"}\n", extraHeaders: extraHeaders)
    }

    public var reasonPhrase: String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }

    /// The bytes on the wire.
    public var serialized: [UInt8] {
        let bodyBytes = Array(body.utf8)
        var head = "HTTP/1.1 \(status) \(reasonPhrase)\r\nContent-Type: \(contentType)\r\nContent-Length: \(bodyBytes.count)\r\n"
        head += "Cache-Control: no-store\r\nConnection: close\r\n"
        for line in extraHeaders { head += line + "\r\n" }
        return Array((head + "\r\n").utf8) + bodyBytes
    }
}

/// The agent's read-only API, as a pure function of the request and a copy of the state.
public enum AgentRoutes {
    public static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"
    public static let paths = ["/v1/health", "/v1/report", "/v1/events", "/metrics"]

    public static func respond(to request: AgentHTTPRequest, state: AgentState, generator: String) -> AgentHTTPResponse {
        guard paths.contains(request.path) else { return .error(404, "no such resource: \(request.path)") }
        // Read-only: everything but GET is refused, HEAD included (nothing needs it, and it would need its own path).
        guard request.method == "GET" else { return .error(405, "only GET is allowed", extraHeaders: ["Allow: GET"]) }
        do {
            switch request.path {
            case "/v1/health":
                let health = HealthSummary(state, generator: generator)
                return AgentHTTPResponse(status: health.httpStatus, body: try JSONOutput.encode(health) + "\n")
            case "/v1/report":
                guard let report = state.report else { return .error(503, "the agent has not finished a run yet") }
                return AgentHTTPResponse(status: 200, body: try JSONOutput.encode(report) + "\n")
            case "/v1/events":
                return AgentHTTPResponse(status: 200, body: try JSONOutput.encode(EventHistory(state)) + "\n")
            default:
                guard let metrics = state.metrics else { return .error(503, "the agent has not finished a run yet") }
                return AgentHTTPResponse(status: 200, contentType: prometheusContentType, body: metrics)
            }
        } catch {
            return .error(500, "cannot encode the answer: \(error)")
        }
    }
}

private extension String {
    func replacingBackslashesAndQuotes() -> String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case _ where scalar.value < 0x20: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
