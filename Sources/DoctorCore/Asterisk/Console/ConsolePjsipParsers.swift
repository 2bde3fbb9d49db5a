// `pjsip show endpoints/contacts/aors/registrations` and the one-object `pjsip show aor|registration NAME`
// (res/res_pjsip/pjsip_cli.c, pjsip_configuration.c, location.c, res_pjsip_outbound_registration.c). A listing is
// a header block of `Title:  <Placeholder....>` lines, a `====` rule, one block per object, and
// "Objects found: N" (or "No objects found."). Every body line starts with a title the parsers know.

/// A contact line as the CLI prints it: "Contact:  aor/uri hash status rtt".
public struct ConsoleContactLine: Sendable, Hashable, Codable {
    public var aor: String
    public var uri: String
    /// The contact id's tail (location.c's hash): the same contact has the same hash in every listing.
    public var hash: String
    /// The AMI word for the CLI's short label: Avail -> Reachable, Unavail -> Unreachable, NonQual -> NonQualified.
    public var status: String
    public var roundtripUsec: Int?
    /// The URI filled its column: it may be cut (a wider listing of the same hash completes it).
    public var mayBeCut: Bool
}

/// One `pjsip show endpoints` block.
public struct ConsoleEndpointBlock: Sendable, Hashable, Codable {
    public var endpoint: AsteriskEndpoint
    public var contacts: [ConsoleContactLine]
}

/// One `pjsip show aors` block.
public struct ConsoleAorBlock: Sendable, Hashable, Codable {
    public var name: String
    public var maxContacts: Int?
    public var contacts: [ConsoleContactLine]
}

public struct ConsoleRegistrationLine: Sendable, Hashable, Codable {
    public var name: String
    public var serverUri: String
    public var auth: String?
    public var status: String
}

public enum ConsolePjsipParsers {
    static let shortStatus = ["Avail": "Reachable", "Unavail": "Unreachable", "NonQual": "NonQualified",
                              "Unknown": "Unknown", "Removed": "Removed"]
    static let deviceStates: Set<String> = ["Unknown", "Not in use", "In use", "Busy", "Invalid", "Unavailable", "Ringing",
                                            "Ring+Inuse", "On Hold"]

    /// A listing split into body lines (title, the text after "Title:", the whole line) and the lines nothing knows.
    struct Listing {
        var body: [(title: String, rest: String, line: String)] = []
        var unrecognised: [String] = []
        var objectsFound: Int?
        var empty = false
    }

    static func listing(_ text: String, titles: Set<String>) -> Listing {
        var listing = Listing()
        var inHeader = true
        for line in ConsoleText.lines(text) where !ConsoleText.isBlank(line) {
            let trimmed = ConsoleText.trimmed(line)
            if trimmed == "No objects found." { listing.empty = true; continue }
            if trimmed.hasPrefix("Objects found: "), let count = Int(trimmed.dropFirst("Objects found: ".count)) {
                listing.objectsFound = count; continue
            }
            if trimmed.count >= 10 && trimmed.allSatisfy({ $0 == "=" }) { inHeader = false; continue }
            if inHeader && trimmed.hasPrefix("<") && trimmed.hasSuffix(">") { continue }
            if inHeader, let colon = trimmed.firstIndex(of: ":"), trimmed[trimmed.index(after: colon)...].contains("<"),
               trimmed.hasSuffix(">") { continue }
            if let colon = trimmed.firstIndex(of: ":") {
                let title = String(trimmed[..<colon])
                if titles.contains(title) {
                    listing.body.append((title, ConsoleText.trimmed(trimmed[trimmed.index(after: colon)...]), line))
                    continue
                }
            }
            listing.unrecognised.append(line)
        }
        return listing
    }

    /// "aor/uri  8030229f89 Avail         0.655" (cli_contact_print_body: "%s/%-*.*s %-10.10s %-7.7s %11.3f").
    static func contact(_ rest: String) -> ConsoleContactLine? {
        let words = rest.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 4 else { return nil }
        let rtt = String(words[words.count - 1]), label = String(words[words.count - 2]), hash = String(words[words.count - 3])
        guard let status = shortStatus[label], hash.count <= 10, hash.allSatisfy(\.isHexDigit) else { return nil }
        let roundtrip: Int?
        if rtt == "nan" || rtt == "-nan" { roundtrip = nil } else if let ms = Double(rtt), ms >= 0, ms < 1e9 {
            roundtrip = Int((ms * 1000).rounded())
        } else { return nil }
        // The aor/uri column and what separates it from the hash: one space only when it filled its width.
        guard let hashRange = rest.lastRange(of: " " + hash + " ") else { return nil }
        let column = rest[..<hashRange.lowerBound]
        let mayBeCut = !column.hasSuffix(" ")
        let pair = ConsoleText.trimmed(column)
        guard let slash = pair.firstIndex(of: "/") else { return nil }
        return ConsoleContactLine(aor: String(pair[..<slash]), uri: String(pair[pair.index(after: slash)...]), hash: hash,
                                  status: status, roundtripUsec: roundtrip, mayBeCut: mayBeCut)
    }

    static func refusal(_ text: String, _ command: String, _ action: String) -> AMIFailure? {
        ConsoleText.refusal(text, command: command, action: action)
    }

    static func countCheck(_ listing: Listing, objects: Int, command: String) -> [String] {
        if let found = listing.objectsFound, found != objects {
            return ["(\(command): 'Objects found: \(found)' but \(objects) object(s) were read)"]
        }
        if listing.objectsFound == nil && !listing.empty {
            return ["(\(command): no 'Objects found' line: the output may be cut)"]
        }
        return []
    }

    public static func endpoints(_ text: String) -> ConsoleParsed<[ConsoleEndpointBlock]> {
        let command = "pjsip show endpoints"
        if let refusal = refusal(text, command, "PJSIPShowEndpoints") { return .failed(refusal) }
        let parsed = listing(text, titles: ["Endpoint", "InAuth", "OutAuth", "Aor", "Contact", "Transport", "Identify", "Match",
                                            "Channel", "Exten"])
        var blocks: [ConsoleEndpointBlock] = []
        var unrecognised = parsed.unrecognised
        for (title, rest, line) in parsed.body {
            if title == "Endpoint" {
                guard let endpoint = endpointRow(rest) else { unrecognised.append(line); continue }
                blocks.append(ConsoleEndpointBlock(endpoint: endpoint, contacts: []))
                continue
            }
            guard !blocks.isEmpty else { unrecognised.append(line); continue }
            let first = rest.split(separator: " ").first.map(String.init) ?? ""
            switch title {
            case "InAuth", "OutAuth":
                let id = String(first.prefix { $0 != "/" })
                guard !id.isEmpty else { unrecognised.append(line); continue }
                if title == "InAuth" { blocks[blocks.count - 1].endpoint.auths.append(id) } else { blocks[blocks.count - 1].endpoint.outboundAuths.append(id) }
            case "Aor":
                guard !first.isEmpty else { unrecognised.append(line); continue }
                blocks[blocks.count - 1].endpoint.aors.append(first)
            case "Contact":
                guard let contact = contact(rest) else { unrecognised.append(line); continue }
                blocks[blocks.count - 1].contacts.append(contact)
                blocks[blocks.count - 1].endpoint.contacts.append("\(contact.aor)/\(contact.uri)")
            case "Transport":
                guard !first.isEmpty else { unrecognised.append(line); continue }
                if blocks[blocks.count - 1].endpoint.transport == nil { blocks[blocks.count - 1].endpoint.transport = first }
            default:
                break // Identify, Match, Channel, Exten: shown, not needed
            }
        }
        unrecognised += countCheck(parsed, objects: blocks.count, command: command)
        return ConsoleParsed(.ok(blocks), unrecognised: unrecognised)
    }

    /// "agent1000/1000          Unavailable   0 of inf" (cli_endpoint_print_body: "%-*.*s  %-12.12s  %d of %.0f").
    static func endpointRow(_ rest: String) -> AsteriskEndpoint? {
        guard let ofRange = rest.lastRange(of: " of ") else { return nil }
        let before = Array(rest[..<ofRange.lowerBound])
        var digitsStart = before.count
        while digitsStart > 0, before[digitsStart - 1].isNumber { digitsStart -= 1 }
        guard digitsStart < before.count, let channels = Int(String(before[digitsStart...])), digitsStart >= 16,
              before[digitsStart - 1] == " ", before[digitsStart - 2] == " " else { return nil }
        let state = ConsoleText.trimmed(String(before[(digitsStart - 14)..<(digitsStart - 2)]))
        guard deviceStates.contains(state) else { return nil }
        let nameColumn = ConsoleText.trimmed(String(before[..<(digitsStart - 14)]))
        let name = String(nameColumn.prefix { $0 != "/" })
        guard !name.isEmpty, !name.contains(" ") else { return nil }
        return AsteriskEndpoint(name: name, deviceState: state, activeChannels: channels)
    }

    public static func contacts(_ text: String) -> ConsoleParsed<[ConsoleContactLine]> {
        let command = "pjsip show contacts"
        if let refusal = refusal(text, command, "PJSIPShowContacts") { return .failed(refusal) }
        let parsed = listing(text, titles: ["Contact"])
        var contacts: [ConsoleContactLine] = []
        var unrecognised = parsed.unrecognised
        for (_, rest, line) in parsed.body {
            if let contact = contact(rest) { contacts.append(contact) } else { unrecognised.append(line) }
        }
        unrecognised += countCheck(parsed, objects: contacts.count, command: command)
        return ConsoleParsed(.ok(contacts), unrecognised: unrecognised)
    }

    public static func aors(_ text: String) -> ConsoleParsed<[ConsoleAorBlock]> {
        let command = "pjsip show aors"
        if let refusal = refusal(text, command, "PJSIPShowAors") { return .failed(refusal) }
        let parsed = listing(text, titles: ["Aor", "Contact"])
        var blocks: [ConsoleAorBlock] = []
        var unrecognised = parsed.unrecognised
        for (title, rest, line) in parsed.body {
            if title == "Aor" {
                // "%-*.*s %12u": the name, then the maximum number of contacts.
                let words = rest.split(separator: " ")
                guard words.count == 2, let max = Int(words[1]) else { unrecognised.append(line); continue }
                blocks.append(ConsoleAorBlock(name: String(words[0]), maxContacts: max, contacts: []))
            } else if !blocks.isEmpty, let contact = contact(rest) {
                blocks[blocks.count - 1].contacts.append(contact)
            } else {
                unrecognised.append(line)
            }
        }
        unrecognised += countCheck(parsed, objects: blocks.count, command: command)
        return ConsoleParsed(.ok(blocks), unrecognised: unrecognised)
    }

    static let registrationStates: Set<String> = ["Registered", "Unregistered", "Rejected"]

    /// " trunk-provider/sip:127.0.0.1:5070   trunk-provider-auth   Rejected   (exp. 25s)" (cli_print_body:
    /// " %-s/%-*.*s  %-26s  %-16s %s%d%s").
    public static func registrations(_ text: String) -> ConsoleParsed<[ConsoleRegistrationLine]> {
        let command = "pjsip show registrations"
        if let refusal = refusal(text, command, "PJSIPShowRegistrationsOutbound") { return .failed(refusal) }
        var lines: [ConsoleRegistrationLine] = []
        var unrecognised: [String] = []
        var objectsFound: Int?
        var empty = false
        for line in ConsoleText.lines(text) where !ConsoleText.isBlank(line) {
            let trimmed = ConsoleText.trimmed(line)
            if trimmed == "No objects found." { empty = true; continue }
            if trimmed.hasPrefix("<Registration/ServerURI") && trimmed.hasSuffix(">") { continue }
            if trimmed.count >= 10 && trimmed.allSatisfy({ $0 == "=" }) { continue }
            if trimmed.hasPrefix("Objects found: "), let count = Int(trimmed.dropFirst("Objects found: ".count)) {
                objectsFound = count; continue
            }
            let words = trimmed.split(separator: " ").map(String.init)
            guard words.count >= 3, let slash = words[0].firstIndex(of: "/"),
                  let statusIndex = words.firstIndex(where: { registrationStates.contains($0) }), statusIndex >= 1, statusIndex <= 2 else {
                unrecognised.append(line); continue
            }
            let tail = words[(statusIndex + 1)...].joined(separator: " ")
            guard tail.isEmpty || (tail.hasPrefix("(exp. ") && tail.hasSuffix(")")) else { unrecognised.append(line); continue }
            lines.append(ConsoleRegistrationLine(name: String(words[0][..<slash]), serverUri: String(words[0][words[0].index(after: slash)...]),
                                                 auth: statusIndex == 2 && words[1] != "n/a" ? words[1] : nil, status: words[statusIndex]))
        }
        if let objectsFound, objectsFound != lines.count {
            unrecognised.append("(\(command): 'Objects found: \(objectsFound)' but \(lines.count) registration(s) were read)")
        } else if objectsFound == nil && !empty {
            unrecognised.append("(\(command): no 'Objects found' line: the output may be cut)")
        }
        return ConsoleParsed(.ok(lines), unrecognised: unrecognised)
    }

    /// The " name : value" lines of `pjsip show aor|registration NAME` (ast_sip_cli_print_sorcery_objectset), after
    /// the object's own listing lines. "Unable to find object NAME." is a failure.
    public static func objectSet(_ text: String, command: String, action: String) -> ConsoleParsed<[String: [String]]> {
        if let refusal = refusal(text, command, action) { return .failed(refusal) }
        var values: [String: [String]] = [:]
        var inSet = false
        var unrecognised: [String] = []
        for line in ConsoleText.lines(text) where !ConsoleText.isBlank(line) {
            let trimmed = ConsoleText.trimmed(line)
            if trimmed.hasPrefix("Unable to find object ") {
                return .failed(AMIFailure(kind: .error, action: action, message: "\(command): \(trimmed)"))
            }
            if !inSet {
                if trimmed.hasPrefix("ParameterName") && trimmed.hasSuffix(": ParameterValue") { inSet = true }
                // The object's listing lines before its parameters are the listings' business.
                continue
            }
            if trimmed.allSatisfy({ $0 == "=" }) { continue }
            if trimmed.hasPrefix("Objects found: ") { continue }
            guard let separator = line.firstRange(of: " : ") else {
                // A listing line of a nested object (an AOR's contacts) after the parameters.
                if trimmed.contains(":") { continue }
                unrecognised.append(line); continue
            }
            let name = ConsoleText.trimmed(line[..<separator.lowerBound])
            guard !name.isEmpty, !name.contains(" ") else { unrecognised.append(line); continue }
            values[name, default: []].append(ConsoleText.trimmed(line[separator.upperBound...]))
        }
        guard inSet else {
            return ConsoleParsed(.failed(AMIFailure(kind: .protocolError, action: action,
                                                    message: "'\(command)' printed no parameter table")), unrecognised: unrecognised)
        }
        return ConsoleParsed(.ok(values), unrecognised: unrecognised)
    }
}

extension String {
    /// The last occurrence of `needle` (stdlib has only the first).
    func lastRange(of needle: String) -> Range<String.Index>? {
        var found: Range<String.Index>?
        var start = startIndex
        while start < endIndex, let range = self[start...].firstRange(of: needle) {
            found = range
            start = index(after: range.lowerBound)
        }
        return found
    }
}
