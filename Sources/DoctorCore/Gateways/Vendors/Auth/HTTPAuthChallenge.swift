/// One challenge from a `WWW-Authenticate` header (RFC 9110 §11.6.1): a scheme and its auth-params.
public struct HTTPAuthChallenge: Sendable, Hashable {
    /// Lower-cased: `basic`, `digest`.
    public var scheme: String
    /// Parameter names lower-cased, values unquoted.
    public var parameters: [String: String]

    public init(scheme: String, parameters: [String: String]) {
        self.scheme = scheme.lowercased(); self.parameters = parameters
    }

    /// Every challenge in one header value. A header may list several (`Basic realm="a", Digest realm="b", ...`):
    /// a token not followed by `=` starts a new challenge, a `name=value` pair belongs to the current one.
    public static func parse(_ header: String) -> [HTTPAuthChallenge] {
        let characters = Array(header)
        var challenges: [HTTPAuthChallenge] = []
        var position = 0
        func skip(_ set: Set<Character>) { while position < characters.count, set.contains(characters[position]) { position += 1 } }
        while position < characters.count {
            skip([" ", "\t", ","])
            let start = position
            while position < characters.count, !" \t,=".contains(characters[position]) { position += 1 }
            guard position > start else { position += 1; continue }
            let token = String(characters[start..<position])
            skip([" ", "\t"])
            if position < characters.count, characters[position] == "=" {
                position += 1
                skip([" ", "\t"])
                let value = readValue(characters, &position)
                if !challenges.isEmpty { challenges[challenges.count - 1].parameters[token.lowercased()] = value }
            } else {
                challenges.append(HTTPAuthChallenge(scheme: token, parameters: [:]))
            }
        }
        return challenges
    }

    private static func readValue(_ characters: [Character], _ position: inout Int) -> String {
        guard position < characters.count else { return "" }
        if characters[position] == "\"" {
            position += 1
            var value = ""
            while position < characters.count, characters[position] != "\"" {
                if characters[position] == "\\", position + 1 < characters.count { position += 1 }
                value.append(characters[position])
                position += 1
            }
            position += 1
            return value
        }
        let start = position
        while position < characters.count, characters[position] != "," { position += 1 }
        return String(characters[start..<position]).trimmingWhitespace().description
    }
}
